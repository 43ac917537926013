//! A plan's posts (岗位), structured as 人社 approves them: for each, the post category (管理,
//! 专业技术, 工勤技能), its grade (岗位等级, e.g. 专技十二级), how many, and the qualifications it
//! asks. A hire drawing on a plan with posts fills one of its own category, so a management hire
//! cannot draw on slots approved for professional posts. Plans without posts (recorded before
//! posts were structured, or asked for in words only) keep their words and take any hire.

use async_graphql::{InputObject, SimpleObject};
use entity::enums::StaffCategory;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// Most posts one plan names.
pub const MAX_POSTS: usize = 20;

#[derive(InputObject, Clone, Debug)]
pub struct PlanPostInput {
    pub category: StaffCategory,
    /// The post's grade (岗位等级), as the plan writes it.
    #[graphql(default)]
    pub grade: String,
    pub count: i32,
    /// What the post asks of a candidate (学历, 专业, 资格).
    #[graphql(default)]
    pub qualifications: String,
}

/// One post of a plan, with the hires that filled it.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct PlanPost {
    pub category: StaffCategory,
    pub grade: String,
    pub count: i32,
    pub qualifications: String,
    pub used: i32,
}

/// A post as the plan's row keeps it (the category by its word).
#[derive(Serialize, Deserialize)]
struct Stored {
    category: String,
    grade: String,
    count: i32,
    qualifications: String,
    used: i32,
}

fn bounded(field: &str, value: &str, most: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.chars().count() > most {
        return Err(ApiError::bad_input(format!("a post's `{field}` may be at most {most} characters")));
    }
    Ok(value.to_string())
}

/// The posts of a request or a cut: at least one each, at most [`MAX_POSTS`], adding up to the
/// plan's slots.
pub fn checked(list: &[PlanPostInput], slots: i32) -> ApiResult<Vec<PlanPost>> {
    if list.is_empty() || list.len() > MAX_POSTS {
        return Err(ApiError::bad_input(format!("a plan names from 1 to {MAX_POSTS} posts")));
    }
    let mut posts = Vec::with_capacity(list.len());
    for post in list {
        if !(1..=1_000).contains(&post.count) {
            return Err(ApiError::bad_input("each post's `count` is from 1 to 1000"));
        }
        posts.push(PlanPost {
            category: post.category,
            grade: bounded("grade", &post.grade, 50)?,
            count: post.count,
            qualifications: bounded("qualifications", &post.qualifications, 500)?,
            used: 0,
        });
    }
    let total: i32 = posts.iter().map(|p| p.count).sum();
    if total != slots {
        return Err(ApiError::bad_input(format!("the posts add up to {total}, not the plan's {slots} slots")));
    }
    Ok(posts)
}

pub fn encode(posts: &[PlanPost]) -> Option<String> {
    let stored: Vec<Stored> = posts
        .iter()
        .map(|p| Stored {
            category: p.category.word().to_string(),
            grade: p.grade.clone(),
            count: p.count,
            qualifications: p.qualifications.clone(),
            used: p.used,
        })
        .collect();
    (!stored.is_empty()).then(|| serde_json::to_string(&stored).unwrap_or_default())
}

pub fn decode(raw: Option<&str>) -> Vec<PlanPost> {
    let stored: Vec<Stored> = raw.and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
    stored
        .into_iter()
        .filter_map(|s| {
            Some(PlanPost {
                category: StaffCategory::from_word(&s.category)?,
                grade: s.grade,
                count: s.count,
                qualifications: s.qualifications,
                used: s.used,
            })
        })
        .collect()
}

/// Fills one post of `category` that has room, or says which posts the plan has.
pub fn take(posts: &mut [PlanPost], category: StaffCategory) -> ApiResult<()> {
    if let Some(post) = posts.iter_mut().find(|p| p.category == category && p.used < p.count) {
        post.used += 1;
        return Ok(());
    }
    let open: Vec<String> = posts
        .iter()
        .filter(|p| p.used < p.count)
        .map(|p| format!("{} {} ×{}", p.category.word(), p.grade, p.count - p.used))
        .collect();
    Err(ApiError::bad_input(format!(
        "the plan has no open {} post: it approved {}",
        category.word(),
        if open.is_empty() { "no post left".to_string() } else { open.join(", ") }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(category: StaffCategory, count: i32) -> PlanPostInput {
        PlanPostInput { category, grade: "专技十二级".into(), count, qualifications: String::new() }
    }

    #[test]
    fn posts_add_up_to_the_slots_and_a_hire_fills_one_of_its_category() {
        assert!(checked(&[post(StaffCategory::ProfessionalTechnical, 2)], 3).is_err());
        let mut posts = checked(&[post(StaffCategory::ProfessionalTechnical, 1)], 1).unwrap();
        assert!(take(&mut posts, StaffCategory::Management).is_err());
        take(&mut posts, StaffCategory::ProfessionalTechnical).unwrap();
        assert!(take(&mut posts, StaffCategory::ProfessionalTechnical).is_err());
        assert_eq!(decode(encode(&posts).as_deref()), posts);
    }
}
