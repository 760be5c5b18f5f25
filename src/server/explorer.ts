/**
 * A small offline query explorer served at `/`: Apollo's default landing page loads from a CDN, which a closed
 * network cannot reach. Plain HTML and script, no external resources. Its token field (kept in this browser's
 * localStorage) is sent as `Authorization: Bearer <token>`; empty, the request goes without one.
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
 header input{font-family:ui-monospace,monospace;font-size:13px;padding:.3rem;width:24rem;max-width:40vw}
 header .hint{font-size:.8rem;opacity:.85}
</style></head><body>
<header><h1>daihoi GraphQL</h1><button id="run">Chạy / Run (Ctrl+Enter)</button>
<label style="color:#fff" for="t">Token</label><input id="t" type="password" autocomplete="off" spellcheck="false"
 placeholder="dh_… (npm start prints the demo tokens)" aria-label="token, sent as Authorization: Bearer">
<span class="hint">POST /graphql · <a style="color:#fff" href="/schema.graphql">schema</a></span></header>
<main><div class="left">
<textarea id="q" spellcheck="false" aria-label="query">{
  viewer { name role scope { code name } }
  organization(code: "KCQTW", asOf: "2024-12-04") {
    name
    level
    children(first: 20) { totalCount nodes { code name level } }
  }
}</textarea>
<textarea id="v" spellcheck="false" aria-label="variables">{}</textarea></div>
<pre id="out" aria-label="result"></pre></main>
<script>
const q=document.getElementById('q'),v=document.getElementById('v'),out=document.getElementById('out'),t=document.getElementById('t');
const KEY='daihoi.token';
try{t.value=localStorage.getItem(KEY)||''}catch(e){}
t.addEventListener('input',()=>{try{localStorage.setItem(KEY,t.value.trim())}catch(e){}});
async function run(){out.textContent='…';let variables={};try{variables=JSON.parse(v.value||'{}')}catch(e){out.textContent='Variables: '+e.message;return}
const headers={'content-type':'application/json'};const token=t.value.trim().replace(/^Bearer\\s+/i,'');
if(token)headers.authorization='Bearer '+token;
try{const r=await fetch('/graphql',{method:'POST',headers,body:JSON.stringify({query:q.value,variables})});
const text=JSON.stringify(await r.json(),null,2);
out.textContent=(r.status===401?'HTTP 401: '+(token?'the token is unknown, revoked or expired (demo tokens change at each start).':'put a token in the Token field.')+'\\n\\n':'')+text}
catch(e){out.textContent='Request failed: '+e.message}}
document.getElementById('run').onclick=run;
document.addEventListener('keydown',e=>{if((e.ctrlKey||e.metaKey)&&e.key==='Enter')run()});
</script></body></html>`;
