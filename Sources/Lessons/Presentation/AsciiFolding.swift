/// Plain-ASCII spellings of the symbols lessons use, for `--plain`,
/// `NO_COLOR` and terminals without Unicode.
let asciiSpellings: [Character: String] = [
    "μ": "mu", "σ": "sigma", "Σ": "sum", "ε": "eps", "γ": "gamma", "β": "beta",
    "α": "alpha", "λ": "lambda", "ℓ": "l", "∂": "d", "∇": "grad",
    "δ": "delta", "Δ": "Delta", "θ": "theta", "ω": "omega", "Ω": "Omega", "τ": "tau",
    "π": "pi", "ρ": "rho", "η": "eta", "ξ": "xi", "χ": "chi", "ν": "nu", "κ": "kappa", "φ": "phi", "ψ": "psi",
    "−": "-", "–": "-", "—": "--", "·": "*", "×": "x", "⊙": "(.)", "÷": "/", "∘": "o",
    "≈": "~", "≠": "!=", "≤": "<=", "≥": ">=", "±": "+/-", "→": "->", "↦": "->", "←": "<-",
    "⇒": "=>", "∈": "in", "∝": "propto", "∞": "inf", "…": "...", "‖": "||", "⟨": "<", "⟩": ">", "′": "'", "″": "''",
    "½": "1/2", "‘": "'", "’": "'", "“": "\"", "”": "\"", "•": "*", "─": "-", "═": "=", "│": "|", "▸": ">",
    "✓": "ok", "✗": "x", "𝔼": "E", "ℝ": "R", "𝟙": "1", "█": "#", "░": "-", "▲": "^", "▼": "v", "↑": "up",
    "↓": "down", "ŷ": "yhat", "ĥ": "hhat", "ẑ": "zhat", "ŵ": "what", "ỹ": "ytilde", "ȳ": "ybar", "é": "e", "è": "e",
    "ö": "o", "ü": "u", "ä": "a",
]

/// Superscripts: a run of them is written after one "^" (x² → x^2,
/// x⁽ᵏ⁾ → x^(k), σ⁻¹ → sigma^-1).
let superscripts: [Character: String] = [
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
    "⁺": "+", "⁻": "-", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵏ": "k", "ᵀ": "T", "ᵗ": "t", "ʲ": "j",
]

/// Subscripts: a run of them is written after one "_" (c'ⱼ → c'_j, x₁₀ → x_10).
let subscripts: [Character: String] = [
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
    "₊": "+", "₋": "-", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₖ": "k",
    "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t", "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u",
    "ᵥ": "v", "ᵦ": "beta", "ᵧ": "gamma",
]

extension String {
    /// The text with every non-ASCII character spelled in ASCII ("?" only
    /// for a character with no spelling; a test keeps the lessons free of those).
    var asciiFolded: String {
        if allSatisfy(\.isASCII) { return self }
        var out = ""
        out.reserveCapacity(count)
        let characters = Array(self)
        // Spelled-out Greek words get a space from neighbouring letters: ηα → "eta alpha".
        var afterWord = false
        for (index, character) in characters.enumerated() {
            let previous = index > 0 ? characters[index - 1] : nil
            if let spelling = asciiSpellings[character], spelling.count >= 2, spelling.allSatisfy(\.isLetter) {
                // 2σ → "2 sigma", εσ → "eps sigma".
                if let last = out.last, last.isLetter || last.isNumber { out += " " }
                out += spelling
                afterWord = true
                continue
            }
            // "Σ∂" → "sum d", not "sumd".
            let spellsAsLetter = asciiSpellings[character]?.first?.isLetter ?? false
            let script = subscripts[character] != nil || superscripts[character] != nil
            if afterWord, !script, character.isLetter || spellsAsLetter { out += " " }
            // After a subscript, a new symbol starts: ∇ₓℓ̂ → "grad_x lhat".
            if let previous, subscripts[previous] != nil, !script, character.isLetter || spellsAsLetter,
                index >= 2, subscripts[characters[index - 2]] == nil
            {
                out += " "
            }
            afterWord = false
            if character.isASCII {
                out.append(character)
            } else if let digit = superscripts[character] {
                if previous.map({ superscripts[$0] == nil }) ?? true { out += "^" }
                out += digit
            } else if let letter = subscripts[character] {
                if previous.map({ subscripts[$0] == nil }) ?? true { out += "_" }
                out += letter
            } else if character == "√" {
                // √(a + b) reads as sqrt(a + b); √a as sqrt a.
                if let last = out.last, last.isLetter || last.isNumber { out += " " }
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
            } else if let base = character.unicodeScalars.first, let spelling = asciiSpellings[Character(base)] {
                // A Greek letter with a mark (σ̂): the letter's name, then the mark.
                out += spelling
                let marks = character.unicodeScalars.dropFirst().map(\.value)
                if marks.contains(0x302) { out += "hat" } else if marks.contains(0x304) { out += "bar" }
            } else {
                out += "?"
            }
        }
        return out
    }
}
