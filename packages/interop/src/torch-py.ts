/**
 * model.py for {@link toTorch}: the modules, and a safetensors reader that uses the
 * `safetensors` package when installed and a few lines of struct/json/torch.frombuffer
 * otherwise (Debian, for one, packages no python3-safetensors).
 */
export function torchModelPy(modules: string[], dtype: string, fusedOutput: boolean): string {
  const body = modules.map((m, i) => `        ${m},  # ${i}`).join('\n');
  const head = fusedOutput
    ? `The last module (${modules[modules.length - 1]}) is the output activation. PyTorch's losses take
logits (CrossEntropyLoss applies log-softmax, BCEWithLogitsLoss the sigmoid): train with
load(include_output_activation=False) and that loss; keep it for inference.`
    : 'The model has no output activation a PyTorch loss would apply itself: use it as it is.';
  return `"""An actgrad model exported for PyTorch (written by @actgrad/interop toTorch).

    from model import load
    model = load()  # weights from model.safetensors next to this file

${head}
Keys follow nn.Sequential (0.weight, 0.bias, ...), Linear weights in PyTorch's [out, in] layout,
so model.load_state_dict(load_file("model.safetensors")) works as with any state dict, and the
model trains on as usual (DistributedDataParallel included).
"""
import json
import os
import struct

import torch
from torch import nn

DTYPE = torch.${dtype}
HERE = os.path.dirname(os.path.abspath(__file__))


def build(include_output_activation=True):
    layers = [
${body}
    ]
    if not include_output_activation and ${fusedOutput ? 'True' : 'False'}:
        layers = layers[:-1]
    return nn.Sequential(*layers).to(DTYPE)


def load_file(path):
    """A safetensors file as a state dict (8-byte header length, JSON header, raw little-endian data)."""
    try:
        from safetensors.torch import load_file as load_safetensors
    except ImportError:
        load_safetensors = None
    if load_safetensors is not None:
        return load_safetensors(path)
    dtypes = {"F32": torch.float32, "F64": torch.float64}
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    state = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        data = bytearray(blob[8 + n + begin:8 + n + end])
        state[name] = torch.frombuffer(data, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return state


def load(path=os.path.join(HERE, "model.safetensors"), include_output_activation=True):
    model = build(include_output_activation)
    model.load_state_dict(load_file(path))
    return model
`;
}
