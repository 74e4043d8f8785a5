// Svelte 5 with runes everywhere; TypeScript in components is stripped by the Svelte compiler.
export default { compilerOptions: { runes: true } };
