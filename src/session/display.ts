import { runnableScript, type Block } from '../parser/index.js';

/**
 * The code a block runs (without `$ ` prompts) with `$VAR`/`${VAR}` shown as their values
 * (masked when secret), for reading only.
 */
export function resolvedCode(block: Block, values: Record<string, string>, show: (name: string, value: string) => string): string {
  return resolvedText(runnableScript(block.body), values, show);
}

/** Shell text with `$VAR`/`${VAR}` shown as their values (masked when secret), for reading only. */
export function resolvedText(text: string, values: Record<string, string>, show: (name: string, value: string) => string): string {
  return text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    return name in values ? show(name, values[name]!) : whole;
  });
}

/** The variables a block uses that have a value, as `NAME=value` (masked when secret). */
export function usedVariables(block: Block, values: Record<string, string>, show: (name: string, value: string) => string): string[] {
  const names = [...new Set([...block.body.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!))].filter((name) => name in values);
  return names.map((name) => `${name}=${show(name, values[name]!)}`);
}
