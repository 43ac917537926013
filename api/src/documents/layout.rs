//! A4 pages from a [`Draft`]: laid out here (each character's glyph and advance from the font's
//! own tables, lines wrapped by them, tables broken across pages with their header repeated),
//! then drawn by krilla, which embeds the subset of the font the document uses with a
//! ToUnicode map, so its text can be extracted and searched. Chinese needs no shaping: each
//! character is its glyph, placed at the advance before it.

use std::sync::{Arc, LazyLock};

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::{Block, Draft};

/// WenQuanYi Micro Hei, cut to the characters documents hold (`api/fonts/subset.py`).
static FONT_FILE: &[u8] = include_bytes!("../../fonts/wqy-microhei-subset.ttf");

static FONT: LazyLock<Font> =
    LazyLock::new(|| Font::new(Arc::new(FONT_FILE.to_vec()).into(), 0).expect("the embedded font parses"));

/// The embedded font's character map and advances (in font units), and its units per em.
struct Metrics {
    charmap: skrifa::charmap::Charmap<'static>,
    advances: GlyphMetrics<'static>,
    units_per_em: f32,
}

static FONT_REF: LazyLock<FontRef<'static>> =
    LazyLock::new(|| FontRef::new(FONT_FILE).expect("the embedded font parses"));

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let font = &*FONT_REF;
    Metrics {
        charmap: font.charmap(),
        advances: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
        units_per_em: f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em),
    }
});

/// What stands for a character the font lacks: a white square, so that the character keeps a
/// real glyph, and with it its text (krilla maps a glyph standing for several characters to
/// each by an ActualText span; the font's .notdef glyph would map to none).
const MISSING: char = '□';

/// A character's glyph (a white square when the font has none) and its advance in ems.
fn glyph(c: char) -> (GlyphId, f32) {
    let metrics = &*METRICS;
    let id = metrics.charmap.map(c).or_else(|| metrics.charmap.map(MISSING)).unwrap_or_default();
    let advance = metrics.advances.advance_width(id).unwrap_or(0.0) / metrics.units_per_em;
    (GlyphId::new(id.to_u32()), advance)
}

/// `text`'s glyphs, one per character, each naming the character it draws.
fn glyphs(text: &str) -> Vec<KrillaGlyph> {
    text.char_indices()
        .map(|(at, c)| {
            let (glyph_id, x_advance) = glyph(c);
            KrillaGlyph {
                glyph_id,
                text_range: at..at + c.len_utf8(),
                x_advance,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            }
        })
        .collect()
}

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_WIDTH - 72.0;
const TOP: f32 = 64.0;
/// Where the body stops: below it sits the footer.
const BOTTOM: f32 = PAGE_HEIGHT - 70.0;
const BODY: f32 = 12.0;
const CELL: f32 = 10.0;
const LABEL_WIDTH: f32 = 110.0;
const RED: (u8, u8, u8) = (192, 0, 0);
/// A line may not start with these (避头点): they stay at the end of the line before.
const CLOSING: &str = "，。、；：？！）》」』】〕,.;:?!)]%";

/// Width of `text` at `size` points.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| glyph(c).1 * size).sum()
}

/// `text` broken into lines no wider than `room` (at any character, as Chinese is; a closing
/// mark never starts a line); explicit line breaks are kept.
pub fn wrap(text: &str, size: f32, room: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        for c in paragraph.chars() {
            let advance = glyph(c).1 * size;
            if used + advance > room && !line.is_empty() && !CLOSING.contains(c) {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += advance;
        }
        lines.push(line);
    }
    lines
}

/// What is drawn on a page.
enum Mark {
    Text { x: f32, baseline: f32, size: f32, text: String, red: bool },
    Line { from: (f32, f32), to: (f32, f32), width: f32, red: bool },
    Circle { centre: (f32, f32), radius: f32 },
}

/// Lays blocks out down pages.
struct Composer {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Composer {
    fn new() -> Self {
        Self { pages: vec![Vec::new()], y: TOP }
    }

    fn mark(&mut self, mark: Mark) {
        self.pages.last_mut().expect("a page is open").push(mark);
    }

    /// Room for `height` more on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn text(&mut self, x: f32, size: f32, text: &str, red: bool) {
        self.mark(Mark::Text { x, baseline: self.y + size, size, text: text.to_string(), red });
    }

    fn centred(&mut self, size: f32, text: &str, red: bool, gap: f32) {
        for line in wrap(text, size, RIGHT - LEFT) {
            self.room(size + gap);
            let x = LEFT + (RIGHT - LEFT - width(&line, size)) / 2.0;
            self.text(x, size, &line, red);
            self.y += size + gap;
        }
    }

    fn rule(&mut self, width: f32, red: bool) {
        self.mark(Mark::Line { from: (LEFT, self.y), to: (RIGHT, self.y), width, red });
    }

    fn paragraph(&mut self, text: &str, indent: bool) {
        let lead = if indent { "\u{3000}\u{3000}" } else { "" };
        for line in wrap(&format!("{lead}{text}"), BODY, RIGHT - LEFT) {
            self.room(BODY * 1.8);
            self.text(LEFT, BODY, &line, false);
            self.y += BODY * 1.8;
        }
    }

    /// One row of bordered cells, `columns` wide, each cell's text wrapped within it.
    fn row(&mut self, columns: &[f32], cells: &[String], size: f32) {
        let wrapped: Vec<Vec<String>> = columns.iter().zip(cells).map(|(w, cell)| wrap(cell, size, w - 8.0)).collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * size * 1.5 + 6.0;
        let top = self.y;
        let mut x = LEFT;
        for (w, cell) in columns.iter().zip(&wrapped) {
            for (n, line) in cell.iter().enumerate() {
                self.mark(Mark::Text {
                    x: x + 4.0,
                    baseline: top + 3.0 + size * (1.2 + 1.5 * n as f32),
                    size,
                    text: line.clone(),
                    red: false,
                });
            }
            self.mark(Mark::Line { from: (x, top), to: (x, top + height), width: 0.6, red: false });
            x += w;
        }
        self.mark(Mark::Line { from: (x, top), to: (x, top + height), width: 0.6, red: false });
        self.mark(Mark::Line { from: (LEFT, top), to: (x, top), width: 0.6, red: false });
        self.mark(Mark::Line { from: (LEFT, top + height), to: (x, top + height), width: 0.6, red: false });
        self.y = top + height;
    }

    fn row_height(columns: &[f32], cells: &[String], size: f32) -> f32 {
        let lines = columns.iter().zip(cells).map(|(w, cell)| wrap(cell, size, w - 8.0).len()).max().unwrap_or(1);
        lines.max(1) as f32 * size * 1.5 + 6.0
    }

    fn fields(&mut self, fields: &[(String, String)]) {
        let columns = [LABEL_WIDTH, RIGHT - LEFT - LABEL_WIDTH];
        for (label, value) in fields {
            let cells = [label.clone(), value.clone()];
            self.room(Self::row_height(&columns, &cells, CELL));
            self.row(&columns, &cells, CELL);
        }
        self.y += 10.0;
    }

    /// A table whose column widths are shares of the text width; its header row starts
    /// every page it runs onto.
    fn table(&mut self, headers: &[String], shares: &[f32], rows: &[Vec<String>]) {
        let total: f32 = shares.iter().sum();
        let columns: Vec<f32> = shares.iter().map(|s| s / total * (RIGHT - LEFT)).collect();
        let header_height = Self::row_height(&columns, headers, CELL);
        let first = rows.first().map(|r| Self::row_height(&columns, r, CELL)).unwrap_or(0.0);
        self.room(header_height + first);
        self.row(&columns, headers, CELL);
        for cells in rows {
            let height = Self::row_height(&columns, cells, CELL);
            if self.y + height > BOTTOM {
                self.room(BOTTOM);
                self.row(&columns, headers, CELL);
            }
            self.row(&columns, cells, CELL);
        }
        self.y += 10.0;
    }

    /// The place for the seal: a dashed circle, the issuer and the date beneath, at the right.
    fn seal(&mut self, issuer: &str, dated: &str) {
        self.room(140.0);
        self.y += 16.0;
        let right_block = width(issuer, BODY).max(width(dated, BODY));
        let x = RIGHT - right_block - 12.0;
        let centre = (x + right_block / 2.0, self.y + 42.0);
        self.mark(Mark::Circle { centre, radius: 42.0 });
        self.mark(Mark::Text {
            x: centre.0 - width("（印章）", CELL) / 2.0,
            baseline: centre.1 + CELL / 2.0,
            size: CELL,
            text: "（印章）".into(),
            red: false,
        });
        self.y += 92.0;
        self.text(x, BODY, issuer, false);
        self.y += BODY * 1.8;
        self.text(x, BODY, dated, false);
        self.y += BODY * 1.8;
    }
}

/// The draft laid out, with `footer` (the verification line) at the foot of every page.
fn compose(draft: &Draft, footer: &str) -> Vec<Vec<Mark>> {
    let mut page = Composer::new();
    page.centred(22.0, &draft.issuer, true, 10.0);
    if let Some(number) = &draft.number {
        page.centred(BODY, number, false, 6.0);
    }
    page.y += 4.0;
    page.rule(1.6, true);
    page.y += 18.0;
    page.centred(18.0, &draft.title, false, 14.0);
    page.y += 4.0;
    for block in &draft.blocks {
        match block {
            Block::Addressee(text) => page.paragraph(text, false),
            Block::Paragraph(text) => page.paragraph(text, true),
            Block::Heading(text) => {
                page.y += 6.0;
                page.room(BODY * 2.0 + 30.0);
                page.text(LEFT, BODY + 1.0, text, false);
                page.y += BODY * 2.0;
            }
            Block::Fields(fields) => page.fields(fields),
            Block::Table { headers, shares, rows } => page.table(headers, shares, rows),
            Block::Seal => page.seal(&draft.issuer, &super::words::date_zh(draft.dated)),
        }
    }
    let mut pages = page.pages;
    let count = pages.len();
    for (n, marks) in pages.iter_mut().enumerate() {
        let line = format!("{footer}  第 {} 页 共 {count} 页", n + 1);
        for (k, text) in wrap(&line, 8.0, RIGHT - LEFT).into_iter().enumerate() {
            marks.push(Mark::Text { x: LEFT, baseline: BOTTOM + 24.0 + 11.0 * k as f32, size: 8.0, text, red: false });
        }
        marks.push(Mark::Line { from: (LEFT, BOTTOM + 12.0), to: (RIGHT, BOTTOM + 12.0), width: 0.4, red: false });
    }
    pages
}

fn colour(red: bool) -> rgb::Color {
    if red { rgb::Color::new(RED.0, RED.1, RED.2) } else { rgb::Color::black() }
}

/// The draft as PDF bytes.
pub fn render(draft: &Draft, footer: &str) -> anyhow::Result<Vec<u8>> {
    let pages = compose(draft, footer);
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(draft.title.clone())
            .creator(draft.issuer.clone())
            .producer("establishment api".into())
            .language("zh-CN".into()),
    );
    for marks in pages {
        let mut page = document.start_page_with(PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a size"));
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text { x, baseline, size, text, red } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill { paint: colour(red).into(), ..Fill::default() }));
                    let glyphs = glyphs(&text);
                    surface.draw_glyphs(Point::from_xy(x, baseline), &glyphs, FONT.clone(), &text, size, false);
                }
                Mark::Line { from, to, width, red } => {
                    let mut path = PathBuilder::new();
                    path.move_to(from.0, from.1);
                    path.line_to(to.0, to.1);
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { paint: colour(red).into(), width, ..Stroke::default() }));
                    if let Some(path) = path.finish() {
                        surface.draw_path(&path);
                    }
                }
                Mark::Circle { centre, radius } => {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(160, 160, 160).into(),
                        width: 0.8,
                        dash: Some(StrokeDash { array: vec![3.0, 3.0], offset: 0.0 }),
                        ..Stroke::default()
                    }));
                    if let Some(path) = circle(centre, radius) {
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|error| anyhow::anyhow!("the PDF could not be written: {error:?}"))
}

/// A circle as four Bézier quarters.
fn circle((cx, cy): (f32, f32), r: f32) -> Option<krilla::geom::Path> {
    const K: f32 = 0.552_284_8;
    let mut path = PathBuilder::new();
    path.move_to(cx + r, cy);
    path.cubic_to(cx + r, cy + K * r, cx + K * r, cy + r, cx, cy + r);
    path.cubic_to(cx - K * r, cy + r, cx - r, cy + K * r, cx - r, cy);
    path.cubic_to(cx - r, cy - K * r, cx - K * r, cy - r, cx, cy - r);
    path.cubic_to(cx + K * r, cy - r, cx + r, cy - K * r, cx + r, cy);
    path.close();
    path.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A character outside the embedded subset (an Extension B ideograph, as some names hold) is
    /// drawn as a white square, but a reader copying the text still gets it.
    #[test]
    fn a_character_the_font_lacks_is_still_extracted() {
        use std::io::Write;
        let draft = Draft {
            kind: super::super::Kind::Movement,
            subject: 1,
            issuer: "张掖市机构编制委员会办公室".into(),
            number: Some("张编发〔2026〕1号".into()),
            title: "事业单位人员入编通知单".into(),
            blocks: vec![Block::Paragraph("同意王𠀀明、李𠀁入编（□为空）。".into()), Block::Seal],
            dated: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
        };
        assert_eq!(glyph('𠀀').0, glyph(MISSING).0, "the subset lacks it");
        let pdf = render(&draft, "验证码 MV1-00000000").unwrap();
        let Ok(mut child) = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            panic!("pdftotext runs (apt-get install poppler-utils)");
        };
        child.stdin.take().unwrap().write_all(&pdf).unwrap();
        let text = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains("同意王𠀀明、李𠀁入编（□为空）。"), "{text}");
        assert!(text.contains("二〇二六年十二月七日"), "{text}");
    }
}
