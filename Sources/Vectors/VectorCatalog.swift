import Exact
import Reference

/// The catalog: every family NormLab publishes.
public enum VectorCatalog {
    public static var families: [VectorFamily] {
        BatchNormFamilies.all + NormalizationFamilies.all + DropoutFamilies.all + RegressionFamilies.all
            + BiasVarianceFamilies.all
            + BiasVarianceSweepFamilies.all
            + DoubleDescentFamilies.all
    }
}
