/** How `mlp` built a model; kept for `summary`, saving and the lab. */
export interface MLPConfig {
  sizes: number[];
  /** One activation name per hidden layer (custom ones by their definition's name). */
  hidden: string[];
  output: string;
  /** Initializer name per Linear layer. */
  init: string[];
  seed: string | number;
}
