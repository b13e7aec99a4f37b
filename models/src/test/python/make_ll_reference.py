#!/usr/bin/python3
"""Makes the loss-landscape (LL) reference fixtures: a direction file and a surface file written by
tomgoldstein/loss-landscape's own code (github.com/tomgoldstein/loss-landscape, commit 64ef4d5) for the PyTorch CNN
fixture cnn.onnx (run once; the tests do not need Python).

Debian's python3-torch 1.13, python3-h5py and python3-onnx, and a checkout of loss-landscape:

    git clone https://github.com/tomgoldstein/loss-landscape /tmp/ll
    python3 make_ll_reference.py /tmp/ll ../resources/org/landscape4j/models/onnx

LL's modules are imported, not copied: net_plotter.setup_direction writes the direction file,
plot_surface.setup_surface_file and plot_surface.crunch compute the 5x5 surface exactly as `plot_surface.py` does
(evaluation.eval_loss: net.eval(), CrossEntropyLoss, batch-size-weighted mean; accuracy in percent). The modules LL
imports only for its command line, CIFAR-10 loading, plotting and MPI (torchvision, mpi4py, dataloader, model_loader,
plot_1D, plot_2D, projection) are stubbed, since they are not installed and none of their code runs here (crunch
with comm=None never touches MPI).

The network is make_onnx_fixtures.ResidualCnn with the weights, batch-norm affine parameters and running statistics
of cnn.onnx (checked against cnn-logits.npy); the data is cnn-data.npz. Two runs, as LL's README shows them:

  ll-weights-directions.h5, ll-weights-surface.h5   --dir_type weights --xnorm filter --xignore biasbn
                                                    --ynorm filter (y: biases and BN weights move too, LL copies the
                                                    weights themselves into their directions)
  ll-states-directions.h5, ll-states-surface.h5     --dir_type states --xnorm filter --xignore biasbn --ynorm filter
                                                    (state_dict order: BN running_mean/var/num_batches_tracked
                                                    included; y moves them too)

Both with torch.manual_seed(123) (plot_surface.py's), --x=-1:1:5 --y=-1:1:5, one DataLoader batch of 128.
"""
import argparse
import os
import sys
import types

import numpy as np
import onnx
import onnx.numpy_helper
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def stub(name, **attrs):
    m = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m


def import_ll(checkout):
    for name in ("torchvision", "mpi4py", "dataloader", "model_loader", "plot_1D", "plot_2D", "projection"):
        stub(name)
    sys.path.insert(0, checkout)
    import net_plotter
    import plot_surface
    return net_plotter, plot_surface


def network(fixtures):
    sys.path.insert(0, HERE)
    from make_onnx_fixtures import ResidualCnn
    net = ResidualCnn()
    init = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy())
            for i in onnx.load(os.path.join(fixtures, "cnn.onnx")).graph.initializer}
    state = net.state_dict()
    for k in state:
        if k in init:
            state[k] = init[k]
    missing = [k for k in state if k not in init and not k.endswith("num_batches_tracked")]
    assert not missing, missing
    net.load_state_dict(state)
    net.eval()
    data = np.load(os.path.join(fixtures, "cnn-data.npz"))
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    with torch.no_grad():
        logits = net(x).double().numpy()
    want = np.load(os.path.join(fixtures, "cnn-logits.npy"))
    assert np.max(np.abs(logits - want)) < 1e-6, np.max(np.abs(logits - want))
    return net, x, y


def run(net_plotter, plot_surface, net, x, y, out, dir_type):
    import copy
    args = argparse.Namespace(dir_file="", model_file2="", model_file3="", dir_type=dir_type, xignore="biasbn",
                              xnorm="filter", yignore="", ynorm="filter", same_dir=False, x="-1:1:5", y="-1:1:5",
                              xmin=-1.0, xmax=1.0, xnum=5, ymin=-1.0, ymax=1.0, ynum=5, ngpu=1,
                              loss_name="crossentropy", cuda=False, surf_file="")
    dir_file = os.path.join(out, "ll-%s-directions.h5" % dir_type)
    surf_file = os.path.join(out, "ll-%s-surface.h5" % dir_type)
    for f in (dir_file, surf_file):
        if os.path.exists(f):
            os.remove(f)
    torch.manual_seed(123)
    w = net_plotter.get_weights(net)
    s = copy.deepcopy(net.state_dict())
    net_plotter.setup_direction(args, dir_file, net)
    plot_surface.setup_surface_file(args, surf_file, os.path.basename(dir_file))
    d = net_plotter.load_directions(dir_file)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=128, shuffle=False)
    plot_surface.crunch(surf_file, net, w, s, d, loader, "train_loss", "train_acc", None, 0, args)
    # back to the model's own weights for the next run
    net.load_state_dict(s)


def main():
    checkout, out = sys.argv[1], sys.argv[2]
    net_plotter, plot_surface = import_ll(checkout)
    net, x, y = network(out)
    run(net_plotter, plot_surface, net, x, y, out, "weights")
    net, x, y = network(out)
    run(net_plotter, plot_surface, net, x, y, out, "states")


if __name__ == "__main__":
    main()
