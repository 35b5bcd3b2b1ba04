// mailparser, libmime and html-to-text ship no types. Only what parse/ uses is declared. `processHeaders`, `createNode`
// and `getDecoder` are MailParser's own methods, not its documented API: parse/mail-parser.ts overrides
// them, the pnpm override pins mailparser (pnpm-workspace.yaml) and test/unit/parse pins what they do.
declare module 'mailparser' {
  import { Transform } from 'node:stream';

  export interface HeaderLine {
    key: string;
    /** The whole header line, folding included, one character per byte (latin1). */
    line: string;
  }

  /** mailsplit's MIME node, as MailParser.createNode receives it. */
  export interface SplitterNode {
    root: boolean;
    contentType: string | false;
    charset: string | false;
  }

  export class MailParser extends Transform {
    constructor(options?: Record<string, unknown>);
    protected processHeaders(lines: HeaderLine[]): Map<string, unknown>;
    protected createNode(node: SplitterNode): unknown;
    protected getDecoder(): { decodeStream(charset: string): Transform };
  }
}

declare module 'libmime' {
  export interface StructuredHeader {
    value: string | false;
    params: Record<string, string>;
  }
  const libmime: {
    decodeWords(value: string): string;
    decodeHeader(line: string): { key: string; value: string };
    parseHeaderValue(value: string): StructuredHeader;
    detectExtension(mimeType: string): string;
  };
  export default libmime;
}

declare module 'html-to-text' {
  export function htmlToText(html: string, options?: Record<string, unknown>): string;
}
