"""pytest integration: one test per vector case, in three lines.

    from normlab_vectors.testing import cases
    @cases("batchnorm_train_2d", "batchnorm_train_4d")
    def test_batchnorm(case): case.assert_close(my_batchnorm(case))

Each case becomes its own test, named by its id; a failure names the field
and element with expected and received values side by side.
"""

from .family import Family, load_family

__all__ = ["cases"]


def cases(*families, vectors=None, select=None, xfail_flags=()):
    """A pytest parametrize mark giving the decorated test one `case` per vector case.

    families: family names (or `Family` objects); vectors: the vectors folder
    (default: see `load_family`); select: a predicate on `Case` keeping a
    subset; xfail_flags: flags whose cases are expected to fail (strict xfail:
    an unexpected pass fails the run too), e.g. ["huge-offset"] for an
    implementation that is knowingly naive there.
    """
    import pytest

    if not families:
        raise ValueError("cases() needs at least one family name")
    params = []
    for name in families:
        family = name if isinstance(name, Family) else load_family(name, vectors)
        for case in family.cases:
            if select is not None and not select(case):
                continue
            hit = sorted(set(case.flags) & set(xfail_flags))
            marks = [pytest.mark.xfail(strict=True, reason=f"flags {', '.join(hit)}")] if hit else []
            params.append(pytest.param(case, id=case.id, marks=marks))
    if not params:
        raise ValueError(f"no case selected from {', '.join(map(str, families))}")
    return pytest.mark.parametrize("case", params)
