/*
 * Fails when a public export of a documented package has no doc comment, and likewise a public
 * method or accessor of an exported class or interface. The packages are the `entryPoints` of
 * typedoc.json, so the API reference and this check cover the same code.
 *
 * TypeDoc's own notDocumented validation also demands comments on every function-valued field
 * inside registry object literals (`initializers.heNormal.fill`), which are not API of their own.
 *
 *   npx -y pnpm@12.4.2 docs          # this check, then the HTML into docs/api/
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
const entries = typedoc.entryPoints.map((dir) => join(root, dir, 'src/index.ts'));

const base = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!base) throw new Error('check-docs: cannot read tsconfig.base.json');
const program = ts.createProgram(entries, { ...base.options, noEmit: true });
const checker = program.getTypeChecker();

const missing: string[] = [];
let checked = 0;

function hasDoc(symbol: ts.Symbol): boolean {
  if (symbol.getDocumentationComment(checker).length > 0) return true;
  // `export const { a, b } = table;` can carry one comment, on the statement, for all its names.
  return (symbol.declarations ?? []).some((decl) => {
    let node: ts.Node = decl;
    while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
    return node !== decl && ts.isVariableDeclaration(node) && ts.getJSDocCommentsAndTags(node).length > 0;
  });
}

function where(symbol: ts.Symbol): string {
  const decl = symbol.declarations?.[0];
  if (!decl) return '?';
  const file = decl.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(decl.getStart());
  return `${relative(root, file.fileName)}:${line + 1}`;
}

function isPublicMember(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  return !(name && ts.isPrivateIdentifier(name));
}

/** Methods and accessors of a class or interface (static ones too); fields are not required. */
function checkMembers(owner: string, symbol: ts.Symbol): void {
  const tables = [symbol.members, symbol.flags & ts.SymbolFlags.Class ? symbol.exports : undefined];
  for (const table of tables) {
    table?.forEach((member, name) => {
      const decl = member.declarations?.[0];
      if (!decl || name === '__constructor' || name === 'prototype' || !isPublicMember(decl)) return;
      if (!(member.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor))) return;
      checked++;
      if (!hasDoc(member)) missing.push(`${where(member)}  ${owner}.${String(name)}`);
    });
  }
}

for (const entry of entries) {
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`check-docs: cannot load ${relative(root, entry)}`);
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    checked++;
    if (!hasDoc(symbol)) missing.push(`${where(symbol)}  ${exported.name}`);
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) checkMembers(exported.name, symbol);
  }
}

if (missing.length > 0) {
  console.error(`check-docs: ${missing.length} public API item(s) have no doc comment (/** ... */):`);
  for (const m of missing) console.error(`  ${m}`);
  process.exit(1);
}
console.log(`check-docs: ${checked} exports, methods and accessors in ${entries.length} packages, all documented`);
