import OrderedJSON

/// JSON Schema (draft 2020-12) for one family's file: the common layout plus
/// the input, intermediate and output names every case of the family has.
enum VectorSchema {
    static let exactPattern =
        #"^-?([0-9]+(/[0-9]+)?(\*sqrt\([0-9]+(/[0-9]+)?\))?|sqrt\([0-9]+(/[0-9]+)?\))([+-]([0-9]+(/[0-9]+)?(\*sqrt\([0-9]+(/[0-9]+)?\))?|sqrt\([0-9]+(/[0-9]+)?\)))*$"#
    static let hexPattern = #"^(-?0x[01](\.[0-9a-f]+)?p[+-][0-9]+|-?inf|nan)$"#

    static func schema(for family: VectorFamily, inputs: [String], intermediates: [String], outputs: [String])
        -> JSONValue
    {
        func strings(_ names: [String]) -> JSONValue { .array(names.map { .string($0) }) }
        func tensors(_ names: [String]) -> JSONValue {
            .object([
                ("type", .string("object")),
                ("required", strings(names)),
                ("additionalProperties", .object([("$ref", .string("#/$defs/tensor"))])),
            ])
        }
        let tensor = JSONValue.object([
            ("type", .string("object")),
            ("required", strings(["shape", "exact", "f64"])),
            (
                "properties",
                .object([
                    (
                        "shape",
                        .object([
                            ("type", .string("array")),
                            ("items", .object([("type", .string("integer")), ("minimum", .int(0))])),
                        ])
                    ),
                    (
                        "exact",
                        .object([
                            ("type", .string("array")),
                            ("items", .object([("type", .string("string")), ("pattern", .string(exactPattern))])),
                        ])
                    ),
                    (
                        "f64",
                        .object([
                            ("type", .string("array")),
                            ("items", .object([("type", .string("string")), ("pattern", .string(hexPattern))])),
                        ])
                    ),
                    (
                        "f32",
                        .object([
                            ("type", .string("array")),
                            ("items", .object([("type", .string("string")), ("pattern", .string(hexPattern))])),
                        ])
                    ),
                ])
            ),
            ("additionalProperties", .bool(false)),
        ])
        let tolerance = JSONValue.object([
            ("type", .string("object")),
            ("required", strings(["metric", "bound", "rule"])),
            (
                "properties",
                .object([
                    ("metric", .object([("enum", strings(["exact", "ulp", "normwise"]))])),
                    ("bound", .object([("type", .string("number")), ("minimum", .int(0))])),
                    ("rule", .object([("type", .string("string"))])),
                ])
            ),
        ])
        let testCase = JSONValue.object([
            ("type", .string("object")),
            (
                "required",
                strings(["op", "id", "comment", "flags", "params", "inputs", "intermediates", "outputs", "tolerance"])
            ),
            (
                "properties",
                .object([
                    ("op", .object([("const", .string(family.op))])),
                    (
                        "id",
                        .object([
                            ("type", .string("string")), ("pattern", .string("^\(family.name)/[a-z0-9][a-z0-9-]*$")),
                        ])
                    ),
                    ("comment", .object([("type", .string("string"))])),
                    (
                        "flags",
                        .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))])
                    ),
                    ("convention", .object([("type", .string("string"))])),
                    (
                        "params",
                        .object([
                            ("type", .string("object")),
                            ("additionalProperties", .object([("type", .string("string"))])),
                        ])
                    ),
                    ("inputs", tensors(inputs)),
                    ("intermediates", tensors(intermediates)),
                    ("outputs", tensors(outputs)),
                    (
                        "tolerance",
                        .object([
                            ("type", .string("object")),
                            ("additionalProperties", .object([("$ref", .string("#/$defs/tolerance"))])),
                        ])
                    ),
                ])
            ),
        ])
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("normlab/vectors/\(family.schemaPath)")),
            ("title", .string("NormLab golden vectors: \(family.name)")),
            ("type", .string("object")),
            (
                "required",
                strings([
                    "schema", "family", "op", "formatVersion", "generator", "numberOfTests", "header", "notes",
                    "testGroups",
                ])
            ),
            (
                "properties",
                .object([
                    ("schema", .object([("const", .string(family.schemaPath))])),
                    ("family", .object([("const", .string(family.name))])),
                    ("op", .object([("const", .string(family.op))])),
                    ("formatVersion", .object([("const", .int(VectorFormat.formatVersion))])),
                    ("numberOfTests", .object([("type", .string("integer")), ("minimum", .int(0))])),
                    (
                        "header",
                        .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))])
                    ),
                    (
                        "notes",
                        .object([
                            ("type", .string("object")),
                            (
                                "additionalProperties",
                                .object([
                                    ("type", .string("object")), ("required", strings(["description", "catches"])),
                                ])
                            ),
                        ])
                    ),
                    (
                        "testGroups",
                        .object([
                            ("type", .string("array")),
                            (
                                "items",
                                .object([
                                    ("type", .string("object")),
                                    ("required", strings(["precision", "source", "tests"])),
                                    (
                                        "properties",
                                        .object([
                                            ("precision", .object([("enum", strings(["f64", "f32"]))])),
                                            (
                                                "tests",
                                                .object([
                                                    ("type", .string("array")),
                                                    ("items", .object([("$ref", .string("#/$defs/case"))])),
                                                ])
                                            ),
                                        ])
                                    ),
                                ])
                            ),
                        ])
                    ),
                ])
            ),
            ("$defs", .object([("tensor", tensor), ("tolerance", tolerance), ("case", testCase)])),
        ])
    }
}
