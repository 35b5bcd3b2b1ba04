/** One built file of the console. */
export interface ConsoleAsset {
  contentType: string;
  body: string;
}

/** What `node build.mjs` writes to dist/assets.cjs: every file by name, and which are the page's entry points. */
export declare const files: Readonly<Record<string, ConsoleAsset>>;
export declare const entry: { readonly js: string; readonly css: string };
