#!/usr/bin/env python3
"""Builds the example embedding sets under examples/digits/ from real data.

Data: scikit-learn's bundled handwritten digits (1,797 8x8 images, 10 classes), no download.
Models: small MLP classifiers trained on the images; an item's embedding is the pre-activation
of a hidden layer (before ReLU, so no vector is ever all-zero).

  reference      v1.0.0  MLP (128, 64), seed 0, embedding = layer 2 (64-d)          -> reference.npy
  patch          v1.0.1  same architecture and extraction, retrained with seed 1      -> candidate-patch.jsonl
  minor          v1.1.0  same weights as v1.0.0, embedding = layer 1 (128-d)          -> candidate-minor.csv
  major          v2.0.0  MLP (256, 96), seed 0, embedding = layer 2 (96-d)            -> candidate-major.npy
  noise          v1.0.0  reference vectors re-embedded with float noise (1e-6)       -> candidate-noise.npy
  broken         v1.0.1  same architecture, stopped after 2 epochs (under-trained)   -> candidate-broken.npy

Run with Debian's python3-numpy and python3-sklearn:  /usr/bin/python3 scripts/make_examples.py
The output is deterministic (fixed seeds).
"""
import json
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'examples', 'digits')
os.makedirs(OUT, exist_ok=True)

digits = load_digits()
X = StandardScaler().fit_transform(digits.data)
y = digits.target
ids = [f'digit-{i:04d}' for i in range(len(y))]
texts = [f'handwritten {label} (sample {i})' for i, label in enumerate(y)]


def train(hidden, seed):
    model = MLPClassifier(hidden_layer_sizes=hidden, random_state=seed, max_iter=400, alpha=1e-3)
    model.fit(X, y)
    return model


def layer(model, index):
    """Pre-activation of hidden layer `index` (1-based)."""
    a = X
    for i in range(index):
        z = a @ model.coefs_[i] + model.intercepts_[i]
        a = np.maximum(z, 0)
    return z.astype(np.float32)


def manifest(version, hidden, seed, layer_name, dim):
    return {
        'name': 'digits-encoder',
        'version': version,
        'architecture': {'type': 'mlp', 'hidden_layers': list(hidden), 'activation': 'relu'},
        'extraction': {'layer': layer_name, 'activation': 'none (pre-ReLU)', 'pooling': 'none', 'dimension': dim},
        'training': {'dataset': 'sklearn digits', 'seed': seed, 'max_iter': 400, 'alpha': 0.001},
    }


def write_manifest(name, data):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(data, f, indent=2)
        f.write('\n')


v1 = train((128, 64), 0)
v1_retrained = train((128, 64), 1)
v2 = train((256, 96), 0)

reference = layer(v1, 2)
np.save(os.path.join(OUT, 'reference.npy'), reference)
with open(os.path.join(OUT, 'reference.ids.txt'), 'w') as f:
    f.write('\n'.join(ids) + '\n')
write_manifest('reference.manifest.json', manifest('1.0.0', (128, 64), 0, 'hidden_2', 64))

# Patch: JSON Lines with text and label metadata (labels become the clusters).
patch = layer(v1_retrained, 2)
with open(os.path.join(OUT, 'candidate-patch.jsonl'), 'w') as f:
    for i in range(len(ids)):
        record = {'id': ids[i], 'text': texts[i], 'label': str(y[i]),
                  'embedding': [float(f'{v:.6g}') for v in patch[i]]}
        f.write(json.dumps(record) + '\n')
write_manifest('candidate-patch.manifest.json', manifest('1.0.1', (128, 64), 1, 'hidden_2', 64))

# Minor: CSV with one column per dimension, rows shuffled (the join is by id, not position).
minor = layer(v1, 1)
order = np.random.RandomState(7).permutation(len(ids))
with open(os.path.join(OUT, 'candidate-minor.csv'), 'w') as f:
    f.write('id,' + ','.join(f'dim_{j}' for j in range(minor.shape[1])) + '\n')
    for i in order:
        f.write(ids[i] + ',' + ','.join(f'{v:.6g}' for v in minor[i]) + '\n')
write_manifest('candidate-minor.manifest.json', manifest('1.1.0', (128, 64), 0, 'hidden_1', 128))

# Major: a wider network, new dimension.
major = layer(v2, 2)
np.save(os.path.join(OUT, 'candidate-major.npy'), major)
with open(os.path.join(OUT, 'candidate-major.ids.txt'), 'w') as f:
    f.write('\n'.join(ids) + '\n')
write_manifest('candidate-major.manifest.json', manifest('2.0.0', (256, 96), 0, 'hidden_2', 96))

# Re-embedding noise only: what GPU non-determinism looks like. Should classify as "none".
noise = (reference + np.random.RandomState(3).normal(0, 1e-6, reference.shape)).astype(np.float32)
np.save(os.path.join(OUT, 'candidate-noise.npy'), noise)
with open(os.path.join(OUT, 'candidate-noise.ids.txt'), 'w') as f:
    f.write('\n'.join(ids) + '\n')

# Broken retrain: a patch in name, but training stopped far too early.
broken_model = MLPClassifier(hidden_layer_sizes=(128, 64), random_state=1, max_iter=2, alpha=1e-3)
import warnings
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    broken_model.fit(X, y)
broken = layer(broken_model, 2)
np.save(os.path.join(OUT, 'candidate-broken.npy'), broken)
with open(os.path.join(OUT, 'candidate-broken.ids.txt'), 'w') as f:
    f.write('\n'.join(ids) + '\n')
broken_manifest = manifest('1.0.1', (128, 64), 1, 'hidden_2', 64)
broken_manifest['training']['max_iter'] = 2
write_manifest('candidate-broken.manifest.json', broken_manifest)

# Calibration: further retrains with other seeds (not written; used to choose the default limits).
for seed in (2, 3, 4):
    np.save(os.path.join('/tmp', f'digits-retrain-seed{seed}.npy'), layer(train((128, 64), seed), 2))

print('accuracy v1 %.3f, v1 retrained %.3f, v2 %.3f, broken %.3f' % (v1.score(X, y), v1_retrained.score(X, y), v2.score(X, y), broken_model.score(X, y)))
