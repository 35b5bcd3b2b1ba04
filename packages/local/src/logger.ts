/** Where the local cloud reports progress; `pnpm dev` prints it, tests keep it quiet. */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, debug: () => {}, warn: () => {} };

export function consoleLogger({ debug = false }: { debug?: boolean } = {}): Logger {
  return {
    info: (m) => console.log(m),
    debug: (m) => {
      if (debug) console.log(m);
    },
    warn: (m) => console.warn(m),
  };
}
