/// Plain-ASCII spellings of the symbols lessons use, for `--plain`,
/// `NO_COLOR` and terminals without Unicode.
let asciiSpellings: [Character: String] = [
    "μ": "mu", "σ": "sigma", "Σ": "sum", "ε": "eps", "γ": "gamma", "β": "beta",
    "α": "alpha", "λ": "lambda", "ℓ": "l", "∂": "d", "√": "sqrt", "∇": "grad_",
    "δ": "delta", "Δ": "Delta", "θ": "theta", "ω": "omega", "Ω": "Omega", "τ": "tau",
    "π": "pi", "ρ": "rho", "η": "eta", "ξ": "xi", "χ": "chi", "ν": "nu", "κ": "kappa",
    "−": "-", "–": "-", "—": "--", "·": "*", "×": "x", "⊙": "(.)", "÷": "/",
    "≈": "~", "≠": "!=", "≤": "<=", "≥": ">=", "±": "+/-", "→": "->", "↦": "->", "←": "<-",
    "⇒": "=>", "∈": "in", "∞": "inf", "…": "...", "‖": "||", "⟨": "<", "⟩": ">",
    "⁻": "^-", "½": "1/2", "₀": "_0", "₁": "_1",
    "₂": "_2", "ᵢ": "_i", "ⱼ": "_j", "ₖ": "_k", "ᵀ": "^T", "‘": "'", "’": "'",
    "“": "\"", "”": "\"", "•": "*", "─": "-", "═": "=", "│": "|", "▸": ">", "✓": "ok",
    "✗": "x", "𝔼": "E", "ℝ": "R", "x̂": "xhat", "ŷ": "yhat", "ĥ": "hhat", "ẑ": "zhat",
    "ŵ": "what", "w̃": "wtilde", "ỹ": "ytilde", "x̄": "xbar", "ȳ": "ybar", "σ̂": "sigmahat", "μ̂": "muhat",
    "é": "e", "è": "e", "ö": "o", "ü": "u", "ä": "a",
]

let superscriptDigits: [Character: String] = [
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
]

extension String {
    /// The text with every non-ASCII character spelled in ASCII ("?" if unknown).
    var asciiFolded: String {
        if allSatisfy(\.isASCII) { return self }
        var out = ""
        out.reserveCapacity(count)
        let characters = Array(self)
        // Spelled-out Greek words get a space from neighbouring letters: ηα → "eta alpha".
        var afterWord = false
        for (index, character) in characters.enumerated() {
            if let spelling = asciiSpellings[character], spelling.count >= 2, spelling.allSatisfy(\.isLetter) {
                if let last = out.last, last.isLetter { out += " " }
                out += spelling
                afterWord = true
                continue
            }
            if afterWord, character.isLetter { out += " " }
            afterWord = false
            if character.isASCII {
                out.append(character)
            } else if let digit = superscriptDigits[character] {
                // x² → x^2, 10¹⁶ → 10^16
                if index == 0 || superscriptDigits[characters[index - 1]] == nil && characters[index - 1] != "⁻" {
                    out += "^"
                }
                out += digit
            } else if character == "√" {
                // √(a + b) reads as sqrt(a + b); √a as sqrt a.
                out += index + 1 < characters.count && characters[index + 1] != "(" ? "sqrt " : "sqrt"
            } else if let spelling = asciiSpellings[character] {
                out += spelling
            } else if let base = character.unicodeScalars.first, base.isASCII {
                // A letter with a combining mark: keep the letter, name common marks.
                let marks = character.unicodeScalars.dropFirst().map(\.value)
                out.append(Character(base))
                if marks.contains(0x302) {
                    out += "hat"
                } else if marks.contains(0x304) {
                    out += "bar"
                } else if marks.contains(0x303) {
                    out += "tilde"
                }
            } else {
                out += "?"
            }
        }
        return out
    }
}
