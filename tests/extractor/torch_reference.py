#!/usr/bin/python3
"""Reference data for the extractor's inference-core parity tests, made with PyTorch/torchvision.

Usage: /usr/bin/python3 tests/extractor/torch_reference.py OUT_DIR [MODELS_DIR]

Writes into OUT_DIR (safetensors files, written by hand: no safetensors module needed):
  resnet18.safetensors        seeded random torchvision ResNet-18 (random BN statistics too)
  resnet18_ref.safetensors    input [2,3,224,224], resnet18 [2,512], logits [2,1000]
  vgg16.safetensors           seeded random torchvision VGG-16 with classifier (classifier.0/3/6)
  vgg16_timm.safetensors      the same values under timm's names and shapes
                              (pre_logits.fc1 [4096,512,7,7], pre_logits.fc2 [4096,4096,1,1], head.fc)
  vgg16_ref.safetensors       input [2,3,224,224], vgg16 [2,512], vgg16-fc7 [2,4096], logits [2,1000]
  mobilenet_ref.safetensors   a PyTorch re-implementation of MobileNet v1 0.75 (TF SAME padding,
                              BN eps 1e-3) run on MODELS_DIR/mobilenet_v1_0.75_224.safetensors:
                              input [2,...] with mobilenet/logits, and photos [4,...] (darknet's
                              dog, eagle, giraffe, kite: PIL bilinear 224x224, x/127.5-1) with
                              photos_logits
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image

SEED = 20240611
PHOTOS = ["dog", "eagle", "giraffe", "kite"]
# models README: top-5 class indices for the photos above
README_TOP5 = {
    "dog": [249, 248, 537, 250, 174],
    "eagle": [22, 21, 139, 8, 23],
    "giraffe": [340, 139, 83, 290, 138],
    "kite": [978, 701, 977, 130, 975],
}


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, float32 tensor); written in the given order, header padded to 8."""
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors:
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-(8 + len(h)) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for a in blobs:
            f.write(a.tobytes())
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", name
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + end], dtype="<f4").copy()).reshape(e["shape"])
    return out


def randomize_(module, gen):
    """Non-trivial biases and batch-norm statistics, so folding and bias paths are exercised."""
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.data = torch.rand(m.weight.shape, generator=gen) + 0.5
            m.bias.data = torch.randn(m.bias.shape, generator=gen) * 0.1
            m.running_mean = torch.randn(m.running_mean.shape, generator=gen) * 0.1
            m.running_var = torch.rand(m.running_var.shape, generator=gen) + 0.5
        elif isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) and m.bias is not None:
            m.bias.data = (torch.rand(m.bias.shape, generator=gen) - 0.5) * 0.2


def state_list(model):
    return [(k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]


def resnet18(out, gen):
    torch.manual_seed(SEED)
    m = torchvision.models.resnet18(weights=None)
    randomize_(m, gen)
    m.eval()
    x = torch.randn(2, 3, 224, 224, generator=gen)
    with torch.no_grad():
        fc = m.fc
        m.fc = torch.nn.Identity()
        feat = m(x)
        m.fc = fc
        logits = fc(feat)
    write_safetensors(os.path.join(out, "resnet18.safetensors"), state_list(m))
    write_safetensors(os.path.join(out, "resnet18_ref.safetensors"),
                      [("input", x), ("resnet18", feat), ("logits", logits)])


def vgg16(out, gen):
    torch.manual_seed(SEED + 1)
    m = torchvision.models.vgg16(weights=None)
    randomize_(m, gen)
    m.eval()
    x = torch.randn(2, 3, 224, 224, generator=gen)
    with torch.no_grad():
        maps = m.features(x)
        feat = maps.mean(dim=(2, 3))
        fc7 = m.classifier[:5](torch.flatten(m.avgpool(maps), 1))
        logits = m(x)
    tv = state_list(m)
    write_safetensors(os.path.join(out, "vgg16.safetensors"), tv)
    timm_names = {
        "classifier.0.weight": ("pre_logits.fc1.weight", (4096, 512, 7, 7)),
        "classifier.0.bias": ("pre_logits.fc1.bias", None),
        "classifier.3.weight": ("pre_logits.fc2.weight", (4096, 4096, 1, 1)),
        "classifier.3.bias": ("pre_logits.fc2.bias", None),
        "classifier.6.weight": ("head.fc.weight", None),
        "classifier.6.bias": ("head.fc.bias", None),
    }
    timm = []
    for k, v in tv:
        if k in timm_names:
            name, shape = timm_names[k]
            timm.append((name, v.reshape(shape) if shape else v))
        else:
            timm.append((k, v))
    write_safetensors(os.path.join(out, "vgg16_timm.safetensors"), timm)
    write_safetensors(os.path.join(out, "vgg16_ref.safetensors"),
                      [("input", x), ("vgg16", feat), ("vgg16-fc7", fc7), ("logits", logits)])


def same_pad(x, k, s):
    """TensorFlow SAME padding: total = max((ceil(h/s)-1)*s+k-h, 0), top/left = total//2."""
    h, w = x.shape[2], x.shape[3]
    th = max((-(-h // s) - 1) * s + k - h, 0)
    tw = max((-(-w // s) - 1) * s + k - w, 0)
    return F.pad(x, (tw // 2, tw - tw // 2, th // 2, th - th // 2))


def mobilenet_forward(w, x):
    def conv_bn(x, name, stride, groups):
        k = w[name + ".weight"]
        x = F.conv2d(same_pad(x, k.shape[2], stride), k, stride=stride, groups=groups)
        bn = name + "_bn"
        x = F.batch_norm(x, w[bn + ".running_mean"], w[bn + ".running_var"], w[bn + ".weight"], w[bn + ".bias"],
                         training=False, eps=1e-3)
        return F.relu6(x)

    strides = [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1]
    x = conv_bn(x, "conv1", 2, 1)
    for i, s in enumerate(strides, 1):
        x = conv_bn(x, f"conv_dw_{i}", s, x.shape[1])
        x = conv_bn(x, f"conv_pw_{i}", 1, 1)
    feat = x.mean(dim=(2, 3))
    return feat, F.linear(feat, w["fc.weight"], w["fc.bias"])


def photo_tensor(name):
    img = Image.open(f"/usr/share/darknet/data/{name}.jpg").convert("RGB").resize((224, 224), Image.BILINEAR)
    a = np.asarray(img, dtype=np.float32) / 127.5 - 1.0
    return torch.from_numpy(a.transpose(2, 0, 1).copy())


def mobilenet(out, gen, models_dir):
    w = read_safetensors(os.path.join(models_dir, "mobilenet_v1_0.75_224.safetensors"))
    x = torch.rand(2, 3, 224, 224, generator=gen) * 2 - 1
    photos = torch.stack([photo_tensor(p) for p in PHOTOS])
    with torch.no_grad():
        feat, logits = mobilenet_forward(w, x)
        _, photo_logits = mobilenet_forward(w, photos)
    # the re-implementation itself must reproduce the README's top-5
    for i, p in enumerate(PHOTOS):
        top5 = torch.topk(photo_logits[i], 5).indices.tolist()
        if top5 != README_TOP5[p]:
            sys.exit(f"torch_reference.py: MobileNet re-implementation gives top-5 {top5} for {p}, "
                     f"README says {README_TOP5[p]}")
    write_safetensors(os.path.join(out, "mobilenet_ref.safetensors"),
                      [("input", x), ("mobilenet", feat), ("logits", logits), ("photos", photos),
                       ("photos_logits", photo_logits)])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    models_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/models")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(SEED)
    mobilenet(out, gen, models_dir)
    resnet18(out, gen)
    vgg16(out, gen)


if __name__ == "__main__":
    main()
