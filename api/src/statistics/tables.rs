//! The statistics' tables as an office files them: numbered rows (行次), a total row and blocks
//! of rows that add up to it, and the cross-checks (审核公式) each table carries, run before
//! the workbook is written and listed on its last sheet.

use crate::export::{Cell, Sheet};

/// How a block's rows stand to the table's total.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// They add up to it.
    Summed,
    /// A breakdown "of which" (其中) that does not cover it.
    OfWhich,
    /// Figures of their own (年初, 本年增加), read as they are.
    Line,
}

/// A block of rows under a title.
pub struct Block {
    pub title: &'static str,
    pub rows: Vec<(String, Vec<i64>)>,
    kind: Kind,
}

impl Block {
    pub fn summed(title: &'static str, rows: Vec<(String, Vec<i64>)>) -> Self {
        Block { title, rows, kind: Kind::Summed }
    }

    pub fn of_which(title: &'static str, rows: Vec<(String, Vec<i64>)>) -> Self {
        Block { title, rows, kind: Kind::OfWhich }
    }

    /// One figure of its own, labelled by itself.
    pub fn line(label: &str, values: Vec<i64>) -> Self {
        Block { title: "", rows: vec![(label.to_string(), values)], kind: Kind::Line }
    }
}

/// One table: its sheet name, its value columns, its total row and its blocks.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub total: (&'static str, Vec<i64>),
    pub blocks: Vec<Block>,
    /// The table's columns split the first one (合计 = 管理 + 专技 + 工勤) on every row.
    pub columns_split_first: bool,
}

/// One cross-check: what it compares, the two sides and whether they agree.
pub struct Check {
    pub table: &'static str,
    pub formula: String,
    pub left: i64,
    pub right: i64,
}

impl Table {
    /// The row number of each block's first row: the total is row 1.
    fn first_rows(&self) -> Vec<usize> {
        let mut next = 2;
        self.blocks
            .iter()
            .map(|b| {
                let first = next;
                next += b.rows.len();
                first
            })
            .collect()
    }

    /// The table's own checks: each summed block against the total, column by column, and
    /// each row's columns against its first.
    pub fn checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        for (block, first) in self.blocks.iter().zip(self.first_rows()) {
            if block.kind != Kind::Summed || block.rows.is_empty() {
                continue;
            }
            let last = first + block.rows.len() - 1;
            for (c, column) in self.columns.iter().enumerate() {
                let sum: i64 = block.rows.iter().map(|(_, v)| v[c]).sum();
                out.push(Check {
                    table: self.name,
                    formula: format!("{column}：1行 = {first}至{last}行之和（{}）", block.title),
                    left: self.total.1[c],
                    right: sum,
                });
            }
        }
        if self.columns_split_first {
            let rows =
                std::iter::once(&self.total.1).chain(self.blocks.iter().flat_map(|b| b.rows.iter().map(|(_, v)| v)));
            let (mut left, mut right) = (0, 0);
            for values in rows {
                left += values[0];
                right += values[1..].iter().sum::<i64>();
            }
            let split = self.columns[1..].join(" + ");
            out.push(Check {
                table: self.name, formula: format!("各行：{} = {split}", self.columns[0]), left, right
            });
        }
        out
    }

    /// The table as a sheet: 行次, 项目, then the value columns.
    pub fn sheet(&self) -> Sheet {
        let mut headers: Vec<(&'static str, &'static str)> = vec![("row", "行次"), ("item", "项目")];
        headers.extend(self.columns.iter().map(|c| (*c, *c)));
        let mut rows = Vec::new();
        let mut push = |n: usize, label: String, values: &[i64]| {
            let mut row = vec![Cell::Number(n as f64), Cell::Text(label)];
            row.extend(values.iter().map(|v| Cell::Number(*v as f64)));
            rows.push(row);
        };
        push(1, self.total.0.to_string(), &self.total.1);
        let mut n = 2;
        for block in &self.blocks {
            for (label, values) in &block.rows {
                let label = match block.kind {
                    Kind::Summed => format!("{}｜{label}", block.title),
                    Kind::OfWhich => format!("{}｜其中：{label}", block.title),
                    Kind::Line => label.clone(),
                };
                push(n, label, values);
                n += 1;
            }
        }
        Sheet { name: self.name, headers, rows }
    }
}

/// The checks as the workbook's last sheet.
pub fn checks_sheet(checks: &[Check]) -> Sheet {
    let headers = vec![
        ("no", "序号"),
        ("table", "表"),
        ("check", "审核公式"),
        ("left", "左边"),
        ("right", "右边"),
        ("result", "结果"),
    ];
    let rows = checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                Cell::Number((i + 1) as f64),
                Cell::Text(c.table.to_string()),
                Cell::Text(c.formula.clone()),
                Cell::Number(c.left as f64),
                Cell::Number(c.right as f64),
                Cell::Text(if c.left == c.right { "一致" } else { "不一致" }.to_string()),
            ]
        })
        .collect();
    Sheet { name: "审核", headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_that_does_not_add_up_fails_its_check_and_an_of_which_block_is_not_summed() {
        let table = Table {
            name: "表",
            columns: &["合计", "甲", "乙"],
            total: ("总数", vec![5, 2, 3]),
            blocks: vec![
                Block::summed("按性别", vec![("男".into(), vec![3, 1, 2]), ("女".into(), vec![2, 1, 1])]),
                Block::of_which("民族", vec![("回族".into(), vec![1, 0, 1])]),
                Block::summed("按学历", vec![("本科".into(), vec![4, 2, 2])]),
            ],
            columns_split_first: true,
        };
        let checks = table.checks();
        let failed: Vec<&str> = checks.iter().filter(|c| c.left != c.right).map(|c| c.formula.as_str()).collect();
        assert_eq!(failed, ["合计：1行 = 5至5行之和（按学历）", "乙：1行 = 5至5行之和（按学历）"]);
        assert_eq!(checks.len(), 7);
        assert_eq!(table.sheet().rows.len(), 5);
    }
}
