/**
 * The one Content Security Policy of the renderer, for both shells that serve it: our own
 * scripts and wasm only, nothing remote, no framing, no plugins. Inline styles are allowed
 * because Svelte and Konva set style attributes. Each shell adds only where its images and
 * sockets come from.
 */
export function contentSecurityPolicy(extra: { img?: string[]; connect?: string[] } = {}): string {
  const src = (base: string[], more: string[] = []) => [...base, ...more].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${src(["'self'"], extra.img)} data: blob:`,
    "font-src 'self'",
    `connect-src ${src(["'self'"], extra.connect)}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
