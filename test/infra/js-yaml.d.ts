// js-yaml 4 ships no types; mocha depends on it, and these specs use only `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
