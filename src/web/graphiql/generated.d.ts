/** Modules src/web/build.ts makes while bundling (see its `generated` plugin). */
declare module 'daihoi:workers' {
  /** URLs of the Monaco workers, each its own bundle. */
  const workers: { editor: string; json: string; graphql: string };
  export default workers;
}
declare module 'daihoi:readme-examples' {
  /** The README's examples (title, line, token, query), parsed at build time by src/tools/readme-examples.parse.ts. */
  const examples: { title: string; line: number; token: string; query: string }[];
  export default examples;
}
declare module '*.css';
