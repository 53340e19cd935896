"""A complete solution of the bn-backward-graph exercise, following Kratzert's
computational graph node by node (the test checks that every intermediate is
right)."""
import numpy as np


def batchnorm_forward_backward(x, gamma, beta, dout, eps):
    N, D = x.shape
    r = {}
    # Forward, step by step.
    mu = 1.0 / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1.0 / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    gammax = gamma * xhat
    out = gammax + beta
    r.update(mu=mu, xmu=xmu, sq=sq, var=var, sqrtvar=sqrtvar, ivar=ivar, xhat=xhat, gammax=gammax, out=out)
    # Backward, in reverse.
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    r.update(dbeta=dbeta, dgammax=dgammax, dgamma=dgamma, dxhat=dxhat, divar=divar, dxmu1=dxmu1,
             dsqrtvar=dsqrtvar, dvar=dvar, dsq=dsq, dxmu2=dxmu2, dx1=dx1, dmu=dmu, dx2=dx2, dx=dx)
    return r
