"""PyTorch and JAX on constnet's XOR, SINE and DIGITS benchmark models.

The Rust comparison writes the models' weights, batches, losses and
Hessian figures, and its own timings, to a JSON file; this script runs the
same work in PyTorch (eager, ``torch.func.hessian``) and JAX (``jit``,
``jax.hessian``), checks it against constnet's numbers and prints
constnet's speed as ratios:

    cargo run --release --manifest-path benches/compare/Cargo.toml -- --export compare.json
    python benches/compare/python/compare.py compare.json [--threads 1] [--rounds 15]

Checks (exit status 1 when one fails):
  - the f32 batch loss after 0 and ``check_steps`` SGD steps agrees with
    constnet's to f32 rounding (relative 2e-6);
  - the f64 Hessian's trace and Frobenius norm agree to 1e-12 relative.

Timings: median over ``--rounds`` rounds of ~20 ms; each framework on
``--threads`` threads (default 1, like the Rust figures), set before
import. The Rust figures come from the same session, run just before, so
the ratios are not paired within a round as the Rust ones are: run both
on a quiet machine. Needs numpy, torch and jax.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings

# torch.func.hessian goes through a deprecated torch.jit path in PyTorch 2.15.
warnings.filterwarnings("ignore", category=FutureWarning)

LOSS_TOL = 2e-6
HESSIAN_TOL = 1e-12


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", help="the JSON file written by the Rust comparison's --export")
    parser.add_argument("--threads", type=int, default=1, help="threads for PyTorch and XLA (default 1)")
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds (default 15)")
    parser.add_argument("--budget-ms", type=float, default=20.0, help="time per round (default 20)")
    return parser.parse_args()


ARGS = parse_args()
# Thread counts must be fixed before the frameworks start their pools.
os.environ["XLA_FLAGS"] = (
    f"--xla_cpu_multi_thread_eigen={'true' if ARGS.threads > 1 else 'false'} "
    f"intra_op_parallelism_threads={ARGS.threads}"
)
os.environ.setdefault("OMP_NUM_THREADS", str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

torch.set_num_threads(ARGS.threads)

ACTIVATION = {"xor": "tanh", "sine": "relu", "digits": "relu"}
WIDTHS = {"xor": [2, 8, 1], "sine": [1, 16, 16, 1], "digits": [64, 32, 10]}


def time_call(fn, rounds, budget):
    """Median seconds per call over ``rounds`` rounds of about ``budget`` s."""
    fn()
    calls, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 4:
            break
        calls *= 4
    calls = max(1, int(budget / (elapsed / calls)))
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter() - start) / calls)
    return statistics.median(per_call)


def relative(a, b):
    return 0.0 if a == b else abs(a - b) / max(abs(a), abs(b))


# ---------------------------------------------------------------- PyTorch

def torch_forward(lib, params, x, widths, activation):
    """The MLP on a batch ``x`` (B x I) with flat PyTorch-ordered params."""
    offset, h = 0, x
    for l in range(1, len(widths)):
        n, m = widths[l], widths[l - 1]
        w = params[offset:offset + n * m].reshape(n, m)
        b = params[offset + n * m:offset + n * m + n]
        offset += n * m + n
        h = h @ w.T + b
        if l < len(widths) - 1:
            h = lib["tanh"](h) if activation == "tanh" else lib["relu"](h)
    return h


def torch_loss(name, y, t):
    f = torch.nn.functional
    if name == "bce_with_logits":
        return f.binary_cross_entropy_with_logits(y, t)
    if name == "mse":
        return f.mse_loss(y, t)
    return f.cross_entropy(y, t)


def torch_model(spec, widths, activation):
    layers = []
    for l in range(1, len(widths)):
        layers.append(torch.nn.Linear(widths[l - 1], widths[l]))
        if l < len(widths) - 1:
            layers.append(torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    flat = torch.tensor(spec["parameters_f32"], dtype=torch.float32)
    offset = 0
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(flat[offset:offset + p.numel()].reshape(p.shape))
            offset += p.numel()
    return model


def torch_batch(spec, dtype, suffix):
    b, i = int(spec["batch"]), int(spec["inputs"])
    x = torch.tensor(spec["x_" + suffix], dtype=dtype).reshape(b, i)
    t = spec["targets_" + suffix]
    if spec["loss"] == "cross_entropy":
        return x, torch.tensor([int(c) for c in t], dtype=torch.long)
    return x, torch.tensor(t, dtype=dtype).reshape(b, int(spec["outputs"]))


def run_torch(name, spec):
    widths, activation = WIDTHS[name], ACTIVATION[name]
    x, t = torch_batch(spec, torch.float32, "f32")
    checks = []
    model = torch_model(spec, widths, activation)
    sgd = torch.optim.SGD(model.parameters(), lr=spec["check_lr"])
    losses = []
    for _ in range(int(spec["check_steps"]) + 1):
        sgd.zero_grad()
        loss = torch_loss(spec["loss"], model(x), t)
        losses.append(loss.item())
        loss.backward()
        sgd.step()
    checks.append(("loss after 0 steps", losses[0], spec["loss_0"], LOSS_TOL))
    checks.append((f"loss after {int(spec['check_steps'])} steps", losses[-1], spec["loss_after_steps"], LOSS_TOL))

    x64, t64 = torch_batch(spec, torch.float64, "f64")
    lib = {"tanh": torch.tanh, "relu": torch.relu}
    flat64 = torch.tensor(spec["parameters_f64"], dtype=torch.float64)

    def loss_of(params):
        return torch_loss(spec["loss"], torch_forward(lib, params, x64, widths, activation), t64)

    hessian = torch.func.hessian(loss_of)(flat64)
    checks.append(("Hessian trace", torch.trace(hessian).item(), spec["hessian_trace"], HESSIAN_TOL))
    checks.append(("Hessian Frobenius norm", torch.linalg.norm(hessian).item(), spec["hessian_frobenius"], HESSIAN_TOL))

    model = torch_model(spec, widths, activation)
    sgd = torch.optim.SGD(model.parameters(), lr=1e-3)

    def train_step():
        sgd.zero_grad()
        loss = torch_loss(spec["loss"], model(x), t)
        loss.backward()
        sgd.step()

    sample = x[:1]

    def infer():
        with torch.no_grad():
            model(sample)

    budget = ARGS.budget_ms / 1e3
    times = {
        "train": time_call(train_step, ARGS.rounds, budget),
        "infer": time_call(infer, ARGS.rounds, budget),
        "hessian": time_call(lambda: torch.func.hessian(loss_of)(flat64), ARGS.rounds, budget),
    }
    return checks, times


# ---------------------------------------------------------------- JAX

def jax_loss(name, y, t):
    if name == "bce_with_logits":
        return jnp.mean(jnp.maximum(y, 0) - y * t + jnp.log1p(jnp.exp(-jnp.abs(y))))
    if name == "mse":
        return jnp.mean((y - t) ** 2)
    logp = jax.nn.log_softmax(y, axis=1)
    return -jnp.mean(jnp.take_along_axis(logp, t[:, None], axis=1))


def jax_batch(spec, dtype, suffix):
    b, i = int(spec["batch"]), int(spec["inputs"])
    x = jnp.asarray(np.array(spec["x_" + suffix]).reshape(b, i), dtype=dtype)
    t = spec["targets_" + suffix]
    if spec["loss"] == "cross_entropy":
        return x, jnp.asarray([int(c) for c in t], dtype=jnp.int32)
    return x, jnp.asarray(np.array(t).reshape(b, int(spec["outputs"])), dtype=dtype)


def run_jax(name, spec):
    widths, activation = WIDTHS[name], ACTIVATION[name]
    lib = {"tanh": jnp.tanh, "relu": jax.nn.relu}
    checks = []

    def loss_fn(params, x, t):
        return jax_loss(spec["loss"], torch_forward(lib, params, x, widths, activation), t)

    x, t = jax_batch(spec, jnp.float32, "f32")
    lr = jnp.float32(spec["check_lr"])

    @jax.jit
    def step(params, lr):
        value, grad = jax.value_and_grad(loss_fn)(params, x, t)
        return params - lr * grad, value

    params = jnp.asarray(spec["parameters_f32"], dtype=jnp.float32)
    losses = []
    for _ in range(int(spec["check_steps"]) + 1):
        params, value = step(params, lr)
        losses.append(float(value))
    checks.append(("loss after 0 steps", losses[0], spec["loss_0"], LOSS_TOL))
    checks.append((f"loss after {int(spec['check_steps'])} steps", losses[-1], spec["loss_after_steps"], LOSS_TOL))

    x64, t64 = jax_batch(spec, jnp.float64, "f64")
    flat64 = jnp.asarray(spec["parameters_f64"], dtype=jnp.float64)
    hessian_fn = jax.jit(jax.hessian(lambda p: loss_fn(p, x64, t64)))
    hessian = np.asarray(hessian_fn(flat64))
    checks.append(("Hessian trace", float(np.trace(hessian)), spec["hessian_trace"], HESSIAN_TOL))
    checks.append(("Hessian Frobenius norm", float(np.linalg.norm(hessian)), spec["hessian_frobenius"], HESSIAN_TOL))

    timed_params = [jnp.asarray(spec["parameters_f32"], dtype=jnp.float32)]
    small_lr = jnp.float32(1e-3)

    def train_step():
        timed_params[0], value = step(timed_params[0], small_lr)
        value.block_until_ready()

    forward = jax.jit(lambda p, s: torch_forward(lib, p, s, widths, activation))
    sample = x[:1]
    budget = ARGS.budget_ms / 1e3
    times = {
        "train": time_call(train_step, ARGS.rounds, budget),
        "infer": time_call(lambda: forward(params, sample).block_until_ready(), ARGS.rounds, budget),
        "hessian": time_call(lambda: hessian_fn(flat64).block_until_ready(), ARGS.rounds, budget),
    }
    return checks, times


def main():
    with open(ARGS.export) as f:
        data = json.load(f)
    print(f"constnet figures: {data['machine']}")
    print(f"PyTorch {torch.__version__} (eager), JAX {jax.__version__} (jit), {ARGS.threads} thread(s), "
          f"{ARGS.rounds} rounds of ~{ARGS.budget_ms:g} ms, medians; ratio = how many times faster constnet is")
    print()
    print("| model | metric | constnet | PyTorch | constnet / PyTorch | JAX | constnet / JAX |")
    print("|---|---|---|---|---|---|---|")
    failed = 0
    all_checks = []
    for name in ["xor", "sine", "digits"]:
        spec = data[name]
        batch = int(spec["batch"])
        results = {"PyTorch": run_torch(name, spec), "JAX": run_jax(name, spec)}
        for framework, (checks, _) in results.items():
            for what, theirs, ours, tol in checks:
                all_checks.append((name, framework, what, theirs, ours, tol))
        ours = {"train": spec["train_step_ns"] / 1e9, "infer": spec["inference_ns"] / 1e9, "hessian": spec["hessian_ns"] / 1e9}
        pt, jx = results["PyTorch"][1], results["JAX"][1]
        rate = lambda s: batch / s
        print(f"| {name.upper()} | train step, samples/s | {rate(ours['train']):,.0f} | {rate(pt['train']):,.0f} | "
              f"{pt['train'] / ours['train']:.1f}x | {rate(jx['train']):,.0f} | {jx['train'] / ours['train']:.1f}x |")
        print(f"| {name.upper()} | inference (B = 1), us | {ours['infer'] * 1e6:.3f} | {pt['infer'] * 1e6:.2f} | "
              f"{pt['infer'] / ours['infer']:.0f}x | {jx['infer'] * 1e6:.2f} | {jx['infer'] / ours['infer']:.0f}x |")
        print(f"| {name.upper()} | full Hessian (f64), ms | {ours['hessian'] * 1e3:.4f} | {pt['hessian'] * 1e3:.3f} | "
              f"{pt['hessian'] / ours['hessian']:.1f}x | {jx['hessian'] * 1e3:.3f} | {jx['hessian'] / ours['hessian']:.1f}x |")
    print()
    print("cross-checks against constnet (identical weights and batch):")
    for name, framework, what, theirs, ours, tol in all_checks:
        rel = relative(theirs, ours)
        ok = rel <= tol
        failed += not ok
        print(f"  {name.upper():<6} {framework:<7} {what}: {theirs:.12g} vs constnet {ours:.12g}, "
              f"relative difference {rel:.1e} (tolerance {tol:.0e}) {'ok' if ok else 'FAILED'}")
    if failed:
        print(f"{failed} cross-check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
