/**
 * A small offline query explorer served at `/`: Apollo's default landing page loads from a CDN, which a closed
 * network cannot reach. Plain HTML and script, no external resources.
 */
export const explorerHtml = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>daihoi — GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh}
 header{padding:.5rem 1rem;background:#8b0000;color:#fff;display:flex;gap:1rem;align-items:center}
 header h1{font-size:1.1rem;margin:0} header button{font-size:1rem;padding:.3rem 1rem}
 main{flex:1;display:grid;grid-template-columns:1fr 1fr;gap:.5rem;padding:.5rem;min-height:0}
 textarea,pre{font-family:ui-monospace,monospace;font-size:13px;margin:0;border:1px solid #ccc;padding:.5rem;overflow:auto}
 .left{display:grid;grid-template-rows:3fr 1fr;gap:.5rem;min-height:0} pre{background:#fafafa}
 label{font-size:.8rem;color:#555}
</style></head><body>
<header><h1>daihoi GraphQL</h1><button id="run">Chạy / Run (Ctrl+Enter)</button>
<span>POST /graphql · <a style="color:#fff" href="/schema.graphql">schema</a></span></header>
<main><div class="left">
<textarea id="q" spellcheck="false" aria-label="query">{
  organization(code: "KCQTW") {
    name
    level
    children(first: 20) { totalCount nodes { code name level } }
  }
}</textarea>
<textarea id="v" spellcheck="false" aria-label="variables">{}</textarea></div>
<pre id="out" aria-label="result"></pre></main>
<script>
const q=document.getElementById('q'),v=document.getElementById('v'),out=document.getElementById('out');
async function run(){out.textContent='…';let variables={};try{variables=JSON.parse(v.value||'{}')}catch(e){out.textContent='Variables: '+e.message;return}
const r=await fetch('/graphql',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({query:q.value,variables})});
out.textContent=JSON.stringify(await r.json(),null,2)}
document.getElementById('run').onclick=run;
document.addEventListener('keydown',e=>{if((e.ctrlKey||e.metaKey)&&e.key==='Enter')run()});
</script></body></html>`;
