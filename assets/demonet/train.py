#!/usr/bin/python3
"""Train and export demonet, the demo project's small convolutional network.

Usage (from the repository root, with Debian's python3-torch):

    /usr/bin/python3 assets/demonet/train.py            # train, export, write references
    /usr/bin/python3 assets/demonet/train.py --resnet18 OUT.onnx
                                                        # only export a random-weight ResNet-18
                                                        # (for the speed benchmark; not committed)

The network is trained on the 64 demo images (assets/demo/images) to
predict the "category" column of assets/demo/stimuli.tsv (face, fish,
house, car). Everything is seeded and single-threaded, so a rerun gives the
same weights on the same torch build.

Outputs, beside this script:

  demonet.onnx   the network, opset 13, batch axis dynamic, input "image"
                 (N×3×64×64, float32), output "logits" (N×4, in the order
                 of CATEGORIES below). BatchNorm is folded into the
                 convolutions by the exporter.
  demonet.json   its preprocessing side-car (resize, crop, channel mean/std
                 over the 64 images).
  reference.npz  activations computed by torch at export time, float32, for
                 all 64 images in stimuli.tsv order, keyed by the ONNX tensor
                 name with the leading "/" dropped and "/" replaced by ".":
                   <key>          the intact network (layers INTACT)
                   masked.<key>   the network with channels MASK_CHANNELS of
                                  MASK_LAYER multiplied by 0 (a propagated
                                  lesion): the masked layer, the next layer
                                  and later ones (layers MASKED)
                 plus "names" and "masked_names" (the ONNX tensor names of
                 the two sets), "mask_layer" and "mask_channels".
                 Compressed (np.savez_compressed), about 2.5 MB.

Architecture (per image):

  conv1  Conv 3→16, 5×5, stride 2, pad 2 + BN, ReLU (relu1) 16×32×32, max-pool 2 (pool1) → 16×16×16
  conv2  Conv 16→32, 3×3, pad 1 + BN, ReLU (relu2) 32×16×16, max-pool 2 (pool2) → 32×8×8
  conv3  Conv 32→64, 3×3, pad 1 + BN, ReLU (relu3) → 64×8×8
  conv4  Conv 64→64, 3×3, pad 1 + BN, plus relu3 (residual Add), ReLU (relu4) → 64×8×8
  avgpool  global average pool → 64;  flatten
  fc1    Linear 64→32, ReLU (relu5);  fc2  Linear 32→4 (logits)
"""

import argparse
import csv
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "demo")
CATEGORIES = ["face", "fish", "house", "car"]
SEED = 20240607
MASK_LAYER = "pool2"
MASK_CHANNELS = [0, 3, 17]


class DemoNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 5, stride=2, padding=2)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn3 = nn.BatchNorm2d(64)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(64, 64, 3, padding=1)
        self.bn4 = nn.BatchNorm2d(64)
        self.relu4 = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(64, 32)
        self.relu5 = nn.ReLU()
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.relu3(self.bn3(self.conv3(x)))
        x = self.relu4(self.bn4(self.conv4(x)) + x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc2(self.relu5(self.fc1(x)))


# Tested layers: module name → ONNX tensor name given by torch.onnx.export.
TESTED = {
    "pool1": "/pool1/MaxPool_output_0",
    "pool2": "/pool2/MaxPool_output_0",
    "relu3": "/relu3/Relu_output_0",
    "relu4": "/relu4/Relu_output_0",
    "avgpool": "/avgpool/GlobalAveragePool_output_0",
    "relu5": "/relu5/Relu_output_0",
    "fc2": "logits",
}
# Layers stored for the intact network, and for the lesioned one (the
# masked layer itself, the next layer and the outputs), kept few so that
# the reference stays small.
INTACT = ["pool1", "pool2", "relu4", "avgpool", "relu5", "fc2"]
MASKED = ["pool2", "relu3", "avgpool", "relu5", "fc2"]


def key(onnx_name):
    return onnx_name.lstrip("/").replace("/", ".")


def load_images():
    with open(os.path.join(DEMO, "stimuli.tsv"), newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    first = list(rows[0].keys())[0]
    names = [r[first] for r in rows]
    labels = np.array([CATEGORIES.index(r["category"]) for r in rows])
    imgs = []
    for n in names:
        im = Image.open(os.path.join(DEMO, "images", n + ".png")).convert("RGB")
        imgs.append(np.asarray(im, dtype=np.float32) / 255.0)
    x = np.stack(imgs).transpose(0, 3, 1, 2)  # N×3×H×W in [0, 1]
    return names, x, labels


def train(x, labels):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    net = DemoNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-4)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(labels)
    n = len(x)
    for epoch in range(300):
        net.train()
        # Augmentation: random shifts of up to ±6 px (zero fill) and mirroring.
        xb = torch.zeros_like(xt)
        for i in range(n):
            dy, dx = rng.integers(-6, 7, size=2)
            img = torch.roll(xt[i], shifts=(int(dy), int(dx)), dims=(1, 2))
            if rng.random() < 0.5:
                img = torch.flip(img, dims=(2,))
            xb[i] = img
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(xb), yt)
        loss.backward()
        opt.step()
        if epoch % 50 == 0 or epoch == 299:
            net.eval()
            with torch.no_grad():
                acc = (net(xt).argmax(1) == yt).float().mean().item()
            print(f"epoch {epoch:3d}  loss {loss.item():.4f}  train accuracy {acc:.3f}", file=sys.stderr)
    net.eval()
    return net


def activations(net, x, mask=None):
    """Tested layers' outputs (float32), optionally with a channel mask on MASK_LAYER."""
    out = {}
    hooks = []
    for mod_name in TESTED:
        mod = getattr(net, mod_name)

        def hook(m, inp, o, mod_name=mod_name):
            if mask is not None and mod_name == MASK_LAYER:
                o = o * mask
            out[mod_name] = o.detach().numpy().astype(np.float32).copy()
            return o

        hooks.append(mod.register_forward_hook(hook))
    with torch.no_grad():
        net(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    return out


def export_resnet18(path):
    """A random-weight ResNet-18 (torchvision's layout, ≈1.8 GFLOP per 224 px image)."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu1 = nn.ReLU()
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu2 = nn.ReLU()
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            y = self.relu1(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return self.relu2(y + (x if self.down is None else self.down(x)))

    class ResNet18(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU()
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            stages, cin = [], 64
            for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
                stages.append(nn.Sequential(Block(cin, cout, stride), Block(cout, cout, 1)))
                cin = cout
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(512, 1000)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(SEED)
    net = ResNet18().eval()
    torch.onnx.export(net, torch.zeros(1, 3, 224, 224), path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resnet18", metavar="OUT.onnx", help="only export a random-weight ResNet-18 to OUT.onnx")
    ap.add_argument("--out", default=HERE, help="output folder (default: beside this script)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.resnet18:
        export_resnet18(args.resnet18)
        return

    names, x01, labels = load_images()
    mean = [round(float(v), 4) for v in x01.mean(axis=(0, 2, 3))]
    std = [round(float(v), 4) for v in x01.std(axis=(0, 2, 3))]
    m = np.array(mean, dtype=np.float32).reshape(1, 3, 1, 1)
    s = np.array(std, dtype=np.float32).reshape(1, 3, 1, 1)
    x = ((x01 - m) / s).astype(np.float32)

    net = train(x, labels)

    onnx_path = os.path.join(args.out, "demonet.onnx")
    torch.onnx.export(net, torch.from_numpy(x[:1]), onnx_path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    blob = open(onnx_path, "rb").read()
    for onnx_name in TESTED.values():
        if onnx_name.encode() not in blob:
            sys.exit(f"train.py: tensor {onnx_name!r} not in the exported graph; update TESTED")

    with open(os.path.join(args.out, "demonet.json"), "w") as f:
        json.dump({"resize": 64, "crop": 64, "mean": mean, "std": std}, f)
        f.write("\n")

    ref = {}
    intact = activations(net, x)
    for mod_name in INTACT:
        ref[key(TESTED[mod_name])] = intact[mod_name]
    c = intact[MASK_LAYER].shape[1]
    mask = torch.ones(1, c, 1, 1)
    mask[0, MASK_CHANNELS] = 0
    lesioned = activations(net, x, mask)
    for mod_name in MASKED:
        ref["masked." + key(TESTED[mod_name])] = lesioned[mod_name]
    ref["names"] = np.array([TESTED[m] for m in INTACT])
    ref["masked_names"] = np.array([TESTED[m] for m in MASKED])
    ref["mask_layer"] = np.array([TESTED[MASK_LAYER]])
    ref["mask_channels"] = np.array(MASK_CHANNELS, dtype=np.int64)
    np.savez_compressed(os.path.join(args.out, "reference.npz"), **ref)

    acc = (intact["fc2"].argmax(1) == labels).mean()
    print(f"wrote {onnx_path} ({len(blob)} bytes), demonet.json, reference.npz; "
          f"training accuracy {acc:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
