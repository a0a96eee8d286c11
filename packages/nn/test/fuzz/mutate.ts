import seedrandom from 'seedrandom';

// Seeded mutations of a valid file, for loader fuzz tests: each call gives one broken variant and
// a label saying how it was broken, so a failure can be replayed from the seed alone.

export type Rand = () => number;

export const makeRand = (seed: string): Rand => seedrandom(seed);

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number): number => Math.floor(r() * n);

const ODD_NUMBERS = [1e308, -1, 0, 2.5, 2 ** 53 + 1, 1e9, 30000, -0, 1e-320, 3.4e38];
const ODD_VALUES: unknown[] = ['NaN', 'Infinity', null, true, [], {}, '', 'x', 123, [1e9, 1e9], { shape: [] }];
const ODD_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'shape', 'dtype'];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Every [container, key] in a JSON value, depth first. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); slots(x, out); });
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) { out.push([v as Record<string, unknown>, k]); slots(x, out); }
  }
  return out;
}

/** A JSON-level mutation of `doc` (changed in place); returns its label. */
function mutateValue(r: Rand, doc: unknown): string {
  const all = slots(doc);
  const [box, key] = pick(r, all);
  const old = (box as Record<string | number, unknown>)[key];
  const set = (v: unknown) => { (box as Record<string | number, unknown>)[key] = v; };
  const kind = int(r, 7);
  if (typeof old === 'number' && kind < 3) {
    const v = pick(r, ODD_NUMBERS);
    set(v);
    return `number ${String(key)}: ${old} → ${v}`;
  }
  if (typeof old === 'string' && old.length > 8 && kind < 4) {
    // Base64 data: garbage, a valid alphabet of the wrong length, or one character changed.
    const how = int(r, 3);
    if (how === 0) set(Array.from({ length: int(r, 40) }, () => String.fromCharCode(32 + int(r, 95))).join(''));
    else if (how === 1) set(old.slice(0, 4 * int(r, old.length / 4)));
    else {
      const i = int(r, old.length);
      set(old.slice(0, i) + pick(r, BASE64.split('')) + old.slice(i + 1));
    }
    return `string ${String(key)}: base64 change ${how}`;
  }
  if (Array.isArray(old) && old.length > 1 && kind < 4) {
    const copy = [...old];
    if (r() < 0.5) copy.reverse(); else copy.push(copy[0]);
    set(copy);
    return `array ${String(key)}: reordered or extended`;
  }
  if (kind === 4 && !Array.isArray(box)) {
    delete (box as Record<string, unknown>)[key as string];
    return `deleted key ${String(key)}`;
  }
  if (kind === 5 && typeof old === 'object' && old !== null && !Array.isArray(old)) {
    const k = pick(r, ODD_KEYS);
    Object.defineProperty(old, k, { value: pick(r, ODD_VALUES), enumerable: true, configurable: true, writable: true });
    return `added key ${k} under ${String(key)}`;
  }
  const v = pick(r, ODD_VALUES);
  set(structuredClone(v));
  return `value ${String(key)} → ${JSON.stringify(v)}`;
}

/** A text-level mutation of `text`; returns [text, label]. */
function mutateText(r: Rand, text: string): [string, string] {
  const i = int(r, text.length);
  switch (int(r, 5)) {
    case 0: return [text.slice(0, i), `truncated at ${i}`];
    case 1: return [text.slice(0, i) + String.fromCharCode(32 + int(r, 95)) + text.slice(i + 1), `char ${i} replaced`];
    case 2: return [text.slice(0, i) + text.slice(i + 1 + int(r, 30)), `span deleted at ${i}`];
    case 3: return [text.slice(0, i) + text.slice(i, i + int(r, 30)) + text.slice(i), `span duplicated at ${i}`];
    default: {
      // A duplicate key after the original: JSON.parse keeps the last one.
      const end = text.lastIndexOf('}');
      const dup = pick(r, ['"version":2', '"format":"x"', '"weights":{}', '"config":{"layers":[]}']);
      return [`${text.slice(0, end)},${dup}}`, `duplicate key ${dup}`];
    }
  }
}

/** One mutated variant of a JSON document: as text, or as a parsed object for JSON-level changes. */
export function mutate(r: Rand, text: string): { input: string | object; label: string } {
  if (r() < 0.4) {
    const [t, label] = mutateText(r, text);
    return { input: t, label };
  }
  const doc = JSON.parse(text) as object;
  const label = mutateValue(r, doc);
  // Half go back through text (the file path), half are handed over as objects.
  return r() < 0.5 ? { input: JSON.stringify(doc), label } : { input: doc, label };
}
