// CommonJS: require() of @actgrad/native loads its .cjs build, which finds the addon as the ESM one does.
const native = require('@actgrad/native');
const { getBackend, matmul, tensor } = require('@actgrad/tensor');

const c = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).toArray();
console.log(JSON.stringify({ resolved: require.resolve('@actgrad/native'), active: getBackend().name, addon: native.addonPath, c }));
