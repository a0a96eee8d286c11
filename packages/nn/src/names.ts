/**
 * The entry named `name` in `table`, looked up as an own property only: a name such as
 * `constructor`, `toString` or `__proto__` is unknown like any typo, never something inherited
 * from `Object.prototype`. Unknown names throw `unknown <what> '<name>'; valid <plural>: …`.
 */
export function lookupName<T>(table: Readonly<Record<string, T>>, name: string, what: string, plural = `${what}s`): T {
  if (typeof name === 'string' && Object.hasOwn(table, name)) return table[name];
  const shown = typeof name === 'string' ? `'${name}'` : `of type ${name === null ? 'null' : typeof name}`;
  throw new Error(`unknown ${what} ${shown}; valid ${plural}: ${Object.keys(table).join(', ')}`);
}
