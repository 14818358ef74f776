//! Brand colours that keep WCAG AA contrast: white or near-black text on
//! the brand colour, whichever reads better, and a darker shade of the
//! brand for links and accents on white.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()?;
        match digits.as_slice() {
            [r, g, b] => Some(Rgb(r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Some(Rgb(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The colour used when a district sets none.
pub const DEFAULT_BRAND: Rgb = Rgb(0x1d, 0x4f, 0x91);
pub const WHITE: Rgb = Rgb(255, 255, 255);
/// Body text colour; also the dark text used on light brand colours.
pub const INK: Rgb = Rgb(0x1b, 0x1f, 0x24);
/// WCAG 2.1 AA for normal text.
pub const AA: f64 = 4.5;
/// The lightest page background the stylesheet puts text on.
const PAPER_TINT: Rgb = Rgb(0xf3, 0xf5, 0xf8);

fn channel(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

pub fn luminance(c: Rgb) -> f64 {
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The colour mixed towards black by `t` (0 = unchanged, 1 = black).
fn darken(c: Rgb, t: f64) -> Rgb {
    let f = |v: u8| (f64::from(v) * (1.0 - t)).round() as u8;
    Rgb(f(c.0), f(c.1), f(c.2))
}

/// The lightest shade of `c` (mixed towards black) that reaches AA
/// contrast against `background`.
pub fn darken_for(c: Rgb, background: Rgb) -> Rgb {
    (0..=100)
        .map(|step| darken(c, f64::from(step) / 100.0))
        .find(|&shade| contrast(shade, background) >= AA)
        .unwrap_or(Rgb(0, 0, 0))
}

/// The colours a page is styled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    /// Header and cover background.
    pub brand: Rgb,
    /// Text on `brand`.
    pub on_brand: Rgb,
    /// Links, accents and headings on white and on the light tint.
    pub accent: Rgb,
}

impl Palette {
    pub fn new(brand: Option<Rgb>) -> Palette {
        let brand = brand.unwrap_or(DEFAULT_BRAND);
        let on_brand = if contrast(WHITE, brand) >= contrast(INK, brand) {
            WHITE
        } else {
            INK
        };
        let accent = darken_for(brand, PAPER_TINT);
        Palette {
            brand,
            on_brand,
            accent,
        }
    }

    /// CSS custom properties for the stylesheet.
    pub fn css(&self) -> String {
        format!(
            ":root {{\n  --brand: {};\n  --on-brand: {};\n  --accent: {};\n}}\n",
            self.brand.hex(),
            self.on_brand.hex(),
            self.accent.hex()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_colours() {
        assert_eq!(Rgb::parse("#0b5394"), Some(Rgb(0x0b, 0x53, 0x94)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(Rgb::parse("0b5394"), None);
        assert_eq!(Rgb::parse("#12345"), None);
        assert_eq!(Rgb(1, 2, 255).hex(), "#0102ff");
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(WHITE, Rgb(0, 0, 0)) - 21.0).abs() < 0.01);
        assert!((contrast(WHITE, Rgb(0x76, 0x76, 0x76)) - 4.54).abs() < 0.01);
    }

    #[test]
    fn light_brands_get_dark_text_and_a_darker_accent() {
        let yellow = Rgb(0xff, 0xf1, 0x76);
        let p = Palette::new(Some(yellow));
        assert_eq!(p.on_brand, INK);
        assert!(contrast(p.on_brand, p.brand) >= AA);
        assert!(contrast(p.accent, PAPER_TINT) >= AA);
        assert!(contrast(p.accent, WHITE) >= AA);
    }

    #[test]
    fn dark_brands_keep_white_text() {
        let p = Palette::new(Some(Rgb(0x0b, 0x53, 0x94)));
        assert_eq!(p.on_brand, WHITE);
        assert_eq!(p.accent, Rgb(0x0b, 0x53, 0x94));
    }
}
