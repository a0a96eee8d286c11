import { getBackend, matmul, tensor } from '@actgrad/tensor';
import { activationNames } from '@actgrad/autograd';
import { mlp, moons } from '@actgrad/nn';
const a = tensor([[1, 2], [3, 4]]);
document.querySelector('#app')!.textContent = `${getBackend().name} ${matmul(a, a).toArray()} ${activationNames()} ${mlp({ sizes: [2, 3, 1] }).parameters().length} ${moons({ n: 4 }).x.shape}`;
