"""Int8 quantisation of the ranker's two big tables (the word-state table and the n-gram table), for the model
card's size/speed/accuracy comparison. Each table row gets its own symmetric scale: the graph gathers int8 rows, casts
them to float and multiplies by the gathered row scales, so the dense layers stay float32 and the work per token is the
same. Ships only if validation holds within 0.005 (train.py decides nothing here; see the model card).

    /usr/bin/python3 training/quantise.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

# Their names in graphs exported by train.py's InferenceGraph, then in older exports (before ranker 2.0's graph rewrite).
TABLES = ('token_states', 'ngram_table', 'folded', 'ngram.weight')


def quantise(src, dst):
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    new_inits = []
    for name in [t for t in TABLES if t in inits]:
        w = numpy_helper.to_array(inits[name]).astype(np.float32)
        scale = np.abs(w).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
        g.initializer.remove(inits[name])
        new_inits += [numpy_helper.from_array(q, name + '_q'), numpy_helper.from_array(scale.astype(np.float32)[:, None], name + '_scale')]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    out_nodes = []
    for n in nodes:
        if n.op_type == 'Gather' and n.input[0] in TABLES:
            t, ids = n.input[0], n.input[1]
            o = n.output[0]
            out_nodes += [
                helper.make_node('Gather', [t + '_q', ids], [o + '_q'], name=n.name + '_q'),
                helper.make_node('Cast', [o + '_q'], [o + '_f'], to=TensorProto.FLOAT, name=n.name + '_cast'),
                helper.make_node('Gather', [t + '_scale', ids], [o + '_s'], name=n.name + '_scale'),
                helper.make_node('Mul', [o + '_f', o + '_s'], [o], name=n.name + '_mul'),
            ]
        else:
            out_nodes.append(n)
    del g.node[:]
    g.node.extend(out_nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


if __name__ == '__main__':
    quantise(sys.argv[1], sys.argv[2])
