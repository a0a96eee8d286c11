let enabled = true;

/** Whether ops currently record a graph (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording a graph: results do not require gradients. Use it for inference and
 * for optimizer updates. Nests, and restores the previous mode even when `fn` throws.
 */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
