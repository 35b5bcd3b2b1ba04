import { readdirSync, readFileSync } from 'node:fs';
import { InboundParseError } from '../../../src/parse';
import { fixturePath, parse } from '../../support/mime';

// Every real fixture, cut short at several points and with bytes overwritten (a fixed-seed generator,
// so a failure reproduces): each must parse or fail with an InboundParseError — no other error, no
// crash, no hang (jest's timeout).

const fixtures = ['mime', 'dsn'].flatMap((dir) =>
  readdirSync(fixturePath(dir))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => `${dir}/${f}`),
);

/** mulberry32: small, fixed-seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const NASTY = [0x00, 0x0a, 0x0d, 0x1b, 0x2d, 0x3a, 0x3d, 0x3f, 0x80, 0xff, 0x22, 0x3c];

describe.each(fixtures)('%s, damaged', (fixture) => {
  const original = readFileSync(fixturePath(fixture));
  const next = random(original.length);

  const variants: Buffer[] = [];
  for (let i = 1; i <= 8; i++) variants.push(original.subarray(0, Math.floor((original.length * i) / 9)));
  for (let i = 0; i < 8; i++) {
    const copy = Buffer.from(original);
    for (let j = 0; j < 1 + i * 4; j++) {
      copy[Math.floor(next() * copy.length)] = NASTY[Math.floor(next() * NASTY.length)]!;
    }
    variants.push(copy);
  }

  it('parses or fails with a typed error', async () => {
    for (const variant of variants) {
      try {
        await parse(variant);
      } catch (err) {
        expect(err).toBeInstanceOf(InboundParseError);
      }
    }
  });
});
