"""Eight functions that each hang on every case."""


def _hang():
    while True:
        pass


def zero_pad(X, pad):
    _hang()


def conv_single_step(a_slice_prev, W, b):
    _hang()


def conv_forward(A_prev, W, b, hparameters):
    _hang()


def conv_backward(dZ, cache):
    _hang()


def pool_forward(A_prev, hparameters, mode="max"):
    _hang()


def pool_backward(dA, cache, mode="max"):
    _hang()


def create_mask_from_window(x):
    _hang()


def distribute_value(dz, shape):
    _hang()
