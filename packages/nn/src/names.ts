import { activationNames, type ActivationName } from '@actgrad/autograd';

/** snake_case spellings accepted for the built-in activations with two-word names. */
export type ActivationAlias = 'leaky_relu' | 'log_softmax';

/**
 * An activation name: the built-ins (and their snake_case aliases) autocomplete, and any other
 * string is accepted by the type, for activations registered with `registerActivation`.
 */
export type ActivationNameSpec = ActivationName | ActivationAlias | (string & {});

/**
 * The registry name for `name`: itself when registered, else its camelCase form when that is
 * (`leaky_relu` → `leakyRelu`), as initializer names already allow. Unknown names pass through
 * for the registry to refuse with its list.
 */
export function canonicalActivationName(name: string): string {
  if (!name.includes('_')) return name;
  const names = activationNames();
  if (names.includes(name)) return name;
  const camel = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return names.includes(camel) ? camel : name;
}

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
