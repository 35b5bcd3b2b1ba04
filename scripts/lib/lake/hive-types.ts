/**
 * Glue (Hive) column types as DuckDB types, so DuckDB reads each JSON line into exactly the columns
 * Athena sees. Only the types a JSON lake needs; anything else is refused by name.
 * https://docs.aws.amazon.com/athena/latest/ug/data-types.html
 */
import { LakeCatalogError } from './errors';

const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  boolean: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
};

/** `struct<a:string,b:array<int>>` → `STRUCT("a" VARCHAR, "b" INTEGER[])`. */
export function duckDbType(hiveType: string): string {
  const parser = new Parser(hiveType);
  const type = parser.type();
  parser.end();
  return type;
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  type(): string {
    const word = this.word().toLowerCase();
    if (word === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return `${element}[]`;
    }
    if (word === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return `MAP(${key}, ${value})`;
    }
    if (word === 'struct') {
      this.expect('<');
      const fields: string[] = [];
      do {
        const name = this.word();
        this.expect(':');
        fields.push(`"${name}" ${this.type()}`);
      } while (this.accept(','));
      this.expect('>');
      return `STRUCT(${fields.join(', ')})`;
    }
    const primitive = PRIMITIVES[word];
    if (!primitive) this.fail(`type "${word}" is not supported`);
    return primitive;
  }

  end(): void {
    if (this.at !== this.text.length) this.fail('unexpected text after the type');
  }

  private word(): string {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*/.exec(this.text.slice(this.at));
    if (!match) this.fail('a name was expected');
    this.at += match[0].length;
    return match[1] as string;
  }

  private accept(char: string): boolean {
    const match = /^\s*(.)\s*/.exec(this.text.slice(this.at));
    if (match?.[1] !== char) return false;
    this.at += match[0].length;
    return true;
  }

  private expect(char: string): void {
    if (!this.accept(char)) this.fail(`"${char}" was expected`);
  }

  private fail(why: string): never {
    throw new LakeCatalogError(`Glue type ${this.text}: ${why} at character ${this.at + 1}`);
  }
}
