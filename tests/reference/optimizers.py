"""Reference values for tests/training/optimizers.rs.

A plain-Python transcription of the single-tensor update rules of
torch.optim.SGD, Adam, AdamW and RMSprop (PyTorch 2.x, `foreach=False`,
`maximize=False`), in double precision. The test problem is the diagonal
quadratic with gradient g = c * p + d, three parameters, a few steps.

Run: python3 tests/reference/optimizers.py > tests/reference/optimizer_steps.rs && cargo fmt
"""
import math

C = [2.0, 0.5, 1.0]
D = [-1.0, 0.25, 0.5]
P0 = [1.0, -2.0, 0.5]
STEPS = 4


def grad(p):
    return [c * x + d for c, x, d in zip(C, p, D)]


def lerp(start, end, weight):
    # torch.lerp: from the nearer end
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


def sgd(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    p = list(P0)
    buf = None
    out = []
    for _ in range(STEPS):
        g = grad(p)
        if weight_decay != 0:
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        if momentum != 0:
            if buf is None:
                buf = list(g)
            else:
                buf = [b * momentum + (1 - dampening) * gi for b, gi in zip(buf, g)]
            if nesterov:
                g = [gi + momentum * b for gi, b in zip(g, buf)]
            else:
                g = list(buf)
        p = [pi + (-lr) * gi for pi, gi in zip(p, g)]
        out.append(p)
    return out


def adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    b1, b2 = betas
    p = list(P0)
    m = [0.0] * 3
    v = [0.0] * 3
    vmax = [0.0] * 3
    out = []
    for step in range(1, STEPS + 1):
        g = grad(p)
        if decoupled:
            p = [pi * (1 - lr * weight_decay) for pi in p]
        elif weight_decay != 0:
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        m = [lerp(mi, gi, 1 - b1) for mi, gi in zip(m, g)]
        v = [vi * b2 + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        bc1 = 1 - b1 ** step
        bc2 = 1 - b2 ** step
        step_size = lr / bc1
        bc2_sqrt = math.sqrt(bc2)
        if amsgrad:
            vmax = [max(a, b) for a, b in zip(vmax, v)]
            denom = [math.sqrt(x) / bc2_sqrt + eps for x in vmax]
        else:
            denom = [math.sqrt(x) / bc2_sqrt + eps for x in v]
        p = [pi + (-step_size) * (mi / di) for pi, mi, di in zip(p, m, denom)]
        out.append(p)
    return out


def rmsprop(lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    p = list(P0)
    s = [0.0] * 3
    a = [0.0] * 3
    buf = [0.0] * 3
    out = []
    for _ in range(STEPS):
        g = grad(p)
        if weight_decay != 0:
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        s = [si * alpha + (1 - alpha) * gi * gi for si, gi in zip(s, g)]
        if centered:
            a = [lerp(ai, gi, 1 - alpha) for ai, gi in zip(a, g)]
            avg = [math.sqrt(si - ai * ai) + eps for si, ai in zip(s, a)]
        else:
            avg = [math.sqrt(si) + eps for si in s]
        if momentum > 0:
            buf = [b * momentum + gi / av for b, gi, av in zip(buf, g, avg)]
            p = [pi + (-lr) * b for pi, b in zip(p, buf)]
        else:
            p = [pi + (-lr) * (gi / av) for pi, gi, av in zip(p, g, avg)]
        out.append(p)
    return out


CASES = {
    "SGD_PLAIN": sgd(0.1),
    "SGD_WEIGHT_DECAY": sgd(0.1, weight_decay=0.1),
    "SGD_MOMENTUM": sgd(0.1, momentum=0.9),
    "SGD_DAMPENING": sgd(0.1, momentum=0.9, dampening=0.5),
    "SGD_NESTEROV": sgd(0.1, momentum=0.9, nesterov=True),
    "SGD_ALL": sgd(0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    "SGD_NESTEROV_DECAY": sgd(0.05, momentum=0.5, weight_decay=0.2, nesterov=True),
    "ADAM_DEFAULT": adam(0.1),
    "ADAM_BETAS_EPS": adam(0.05, betas=(0.5, 0.9), eps=0.1),
    "ADAM_WEIGHT_DECAY": adam(0.1, weight_decay=0.5),
    "ADAM_AMSGRAD": adam(0.3, betas=(0.8, 0.5), amsgrad=True),
    "ADAMW_DEFAULT_DECAY": adam(0.1, weight_decay=1e-2, decoupled=True),
    "ADAMW_STRONG_AMSGRAD": adam(0.3, betas=(0.8, 0.5), weight_decay=0.5, amsgrad=True, decoupled=True),
    "RMSPROP_DEFAULT": rmsprop(0.01),
    "RMSPROP_ALPHA_EPS": rmsprop(0.05, alpha=0.5, eps=0.1),
    "RMSPROP_WEIGHT_DECAY": rmsprop(0.01, weight_decay=0.3),
    "RMSPROP_MOMENTUM": rmsprop(0.01, momentum=0.9),
    "RMSPROP_CENTERED": rmsprop(0.01, centered=True),
    "RMSPROP_ALL": rmsprop(0.02, alpha=0.9, eps=1e-3, weight_decay=0.1, momentum=0.5, centered=True),
}

print("//! Parameters after each of the first steps of every optimizer option on")
print("//! the quadratic with gradient `c * p + d`, from `tests/reference/optimizers.py`")
print("//! (a plain-Python transcription of PyTorch's update rules). Generated; do")
print("//! not edit.")
print()
print(f"/// Diagonal of the Hessian of the quadratic.\npub const C: [f64; 3] = {C!r};")
print(f"/// Linear term: the gradient is `c * p + d`.\npub const D: [f64; 3] = {D!r};")
print(f"/// Starting parameters.\npub const P0: [f64; 3] = {P0!r};")


def rust(x):
    """A Rust literal with digit separators (clippy's unreadable_literal)."""
    text = repr(x)
    if "e" in text:
        return text
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    whole = "_".join([whole] + groups)
    if len(fraction) > 4:
        fraction = "_".join(fraction[i:i + 3] for i in range(0, len(fraction), 3))
    return f"{sign}{whole}.{fraction}"


for name, steps in CASES.items():
    print()
    print(f"/// `{name.lower()}`: parameters after steps 1..={STEPS}.")
    print(f"pub const {name}: [[f64; 3]; {STEPS}] = [")
    for p in steps:
        print("    [" + ", ".join(rust(x) for x in p) + "],")
    print("];")
