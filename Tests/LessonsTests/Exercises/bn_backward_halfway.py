"""Half of the bn-backward-graph exercise, with two typical mistakes: the
variance divided by N - 1, and a sign dropped in the gradient of 1/sqrt."""
import numpy as np


def batchnorm_forward_backward(x, gamma, beta, dout, eps):
    N, D = x.shape
    r = {}
    mu = x.mean(axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = sq.sum(axis=0) / (N - 1)
    r.update(mu=mu, xmu=xmu, sq=sq, var=var)
    var = sq.mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    r.update(sqrtvar=sqrtvar, ivar=ivar, xhat=xhat, gammax=gamma * xhat, out=gamma * xhat + beta)
    r.update(dbeta=dout.sum(axis=0), dgammax=dout, dgamma=(dout * xhat).sum(axis=0), dxhat=dxhat, divar=divar)
    r["dsqrtvar"] = 1.0 / sqrtvar ** 2 * divar
    return r
