//! Writing points out: GeoJSON (RFC 7946, always WGS84, opens in QGIS), Open Referral HSDS
//! 3.0 `location` and `service_at_location` (ids derived from codes like the list's HSDS
//! export, so a point's services resolve against it), and xlsx in the import layout (an
//! export imports back unchanged). Also the service-circle workbook.

use gongfu_catalog::hsds::{uuid_for, PROFILE};
use gongfu_db::places::StoredPoint;
use gongfu_domain::facility::FacilityTypes;
use gongfu_domain::geo::CoordSystem;
use gongfu_domain::place::POINT_COLUMNS;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{json, Value};

use crate::circles::{Allocation, CircleReport, Norm, NormMetric, Target};
use crate::{Loaded, PlacesError};

/// The formats points export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointFormat {
    /// GeoJSON FeatureCollection.
    GeoJson,
    /// HSDS 3.0 JSON: locations and service_at_location.
    Hsds,
    /// Excel workbook in the import layout.
    Xlsx,
}

impl PointFormat {
    /// `geojson`, `hsds` or `xlsx`.
    pub fn parse(raw: &str) -> Result<Self, PlacesError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "geojson" | "json" => Ok(Self::GeoJson),
            "hsds" => Ok(Self::Hsds),
            "xlsx" | "excel" => Ok(Self::Xlsx),
            other => Err(PlacesError::Invalid {
                field: "format",
                message: format!("unknown export format '{other}'; use geojson, hsds or xlsx"),
            }),
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoJson => "geojson",
            Self::Hsds => "hsds.json",
            Self::Xlsx => "xlsx",
        }
    }

    /// HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GeoJson => "application/geo+json",
            Self::Hsds => "application/json",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The cells of a point in [`POINT_COLUMNS`] order, positions in `coord`.
pub fn point_cells(p: &StoredPoint, types: &FacilityTypes, coord: CoordSystem) -> Vec<String> {
    let x = &p.point;
    let at = coord.from_wgs84(x.position);
    POINT_COLUMNS
        .iter()
        .map(|(h, _)| match *h {
            "编码" => x.code.clone(),
            "名称" => x.name.clone(),
            "设施类型" => types
                .find(&x.facility_type)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| x.facility_type.clone()),
            "地址" => x.address.clone(),
            "纬度" => format!("{:.6}", at.lat),
            "经度" => format!("{:.6}", at.lng),
            "坐标系" => coord.as_str().to_uppercase(),
            "电话" => x.phone.clone(),
            "开放时间" => x
                .hours
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            "容量" => x.capacity.map(|c| c.to_string()).unwrap_or_default(),
            "建筑面积" => x.floor_area_m2.map(|a| a.to_string()).unwrap_or_default(),
            "服务事项" => x
                .items
                .iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            "主管部门" => x
                .department
                .as_ref()
                .map(|d| d.as_str().to_string())
                .unwrap_or_default(),
            "所属社区" => x
                .community
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            "状态" => x.status.label().to_string(),
            "数据来源" => if x.demo { "示例" } else { "" }.to_string(),
            _ => String::new(),
        })
        .collect()
}

/// A point's GeoJSON properties.
fn properties(p: &StoredPoint, l: &Loaded, types: &FacilityTypes) -> Value {
    let x = &p.point;
    json!({
        "id": p.id,
        "code": x.code,
        "name": x.name,
        "type": x.facility_type,
        "type_name": types.find(&x.facility_type).map(|t| t.name.clone()),
        "address": x.address,
        "phone": x.phone,
        "opening_hours": x.hours.as_ref().map(ToString::to_string),
        "capacity": x.capacity,
        "floor_area_m2": x.floor_area_m2,
        "items": x.items.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
        "department": x.department.as_ref().map(|d| d.as_str()),
        "community": x.community.as_ref().map(|c| c.as_str()),
        "community_name": x.community.as_ref().and_then(|c| l.regions.get(c)),
        "status": x.status.as_str(),
        "demo": x.demo,
    })
}

/// Points as a GeoJSON FeatureCollection, WGS84 as RFC 7946 requires.
pub fn geojson(points: &[&StoredPoint], l: &Loaded, types: &FacilityTypes) -> Value {
    json!({
        "type": "FeatureCollection",
        "features": points.iter().map(|p| json!({
            "type": "Feature",
            "id": p.id,
            "geometry": {"type": "Point", "coordinates": [p.point.position.lng, p.point.position.lat]},
            "properties": properties(p, l, types),
        })).collect::<Vec<_>>(),
    })
}

/// Boundaries as a GeoJSON FeatureCollection.
pub fn boundaries_geojson(l: &Loaded) -> Value {
    json!({
        "type": "FeatureCollection",
        "features": l.boundaries.iter().map(|b| json!({
            "type": "Feature",
            "geometry": gongfu_db::places::boundary_geometry(b),
            "properties": {
                "code": b.region.as_str(), "name": b.name, "level": b.region.level().as_str(),
                "area_km2": (b.area_m2() / 1e4).round() / 100.0, "demo": b.demo,
            },
        })).collect::<Vec<_>>(),
    })
}

/// Points as HSDS 3.0 `location`s (with address, phone and schedule) and
/// `service_at_location` links, one per item delivered.
pub fn hsds(points: &[&StoredPoint], types: &FacilityTypes) -> Value {
    let mut locations = vec![];
    let mut links = vec![];
    for p in points {
        let x = &p.point;
        let id = uuid_for(&format!("location:{}", x.code));
        let mut loc = json!({
            "id": id,
            "location_type": "physical",
            "name": x.name,
            "description": types.find(&x.facility_type).map(|t| t.name.clone()).unwrap_or_default(),
            "latitude": x.position.lat,
            "longitude": x.position.lng,
            "external_identifier": x.code,
            "external_identifier_type": "gongfu",
            "addresses": [{
                "id": uuid_for(&format!("address:{}", x.code)),
                "location_id": id,
                "address_1": x.address,
                "city": "", "state_province": "", "postal_code": "", "country": "CN",
                "address_type": "physical",
            }],
            "phones": if x.phone.is_empty() { json!([]) } else { json!([{
                "id": uuid_for(&format!("phone:{}", x.code)), "location_id": id, "number": x.phone,
            }]) },
            "schedules": x.hours.as_ref().map(|h| json!([{
                "id": uuid_for(&format!("schedule:{}", x.code)), "location_id": id,
                "description": h.to_string(),
            }])).unwrap_or(json!([])),
            "gongfu_facility_type": x.facility_type,
            "gongfu_status": x.status.as_str(),
            "gongfu_community": x.community.as_ref().map(|c| c.as_str()),
            "gongfu_department": x.department.as_ref().map(|d| d.as_str()),
            "gongfu_capacity": x.capacity,
            "gongfu_floor_area_m2": x.floor_area_m2,
        });
        if x.demo {
            loc["gongfu_demo"] = json!(true);
        }
        locations.push(loc);
        for item in &x.items {
            links.push(json!({
                "id": uuid_for(&format!("service_at_location:{}:{}", x.code, item.as_str())),
                "service_id": uuid_for(&format!("service:{}", item.as_str())),
                "location_id": id,
            }));
        }
    }
    json!({
        "profile": PROFILE,
        "locations": locations,
        "service_at_locations": links,
    })
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> PlacesError {
    PlacesError::Export(e.to_string())
}

/// Points as a workbook in the import layout, positions in `coord`.
pub fn xlsx(
    points: &[&StoredPoint],
    types: &FacilityTypes,
    coord: CoordSystem,
) -> Result<Vec<u8>, PlacesError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("服务点").map_err(xlsx_err)?;
    for (c, (h, _)) in POINT_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xlsx_err)?;
    }
    for (r, p) in points.iter().enumerate() {
        for (c, v) in point_cells(p, types, coord).iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)
                .map_err(xlsx_err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

/// A target's Chinese label.
pub fn target_label(t: &Target, types: &FacilityTypes) -> String {
    match t {
        Target::Type(code) => types
            .find(code)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| code.clone()),
        Target::Area(a) => format!("{a}（领域）"),
    }
}

/// A norm's Chinese description.
pub fn norm_label(n: &Norm, types: &FacilityTypes) -> String {
    let name = types
        .find(&n.facility_type)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| n.facility_type.clone());
    let unit = types
        .find(&n.facility_type)
        .map(|t| t.capacity_unit.clone())
        .unwrap_or_default();
    let scope = match n.scope {
        crate::circles::NormScope::Community => "每社区",
        crate::circles::NormScope::Subdistrict => "每街道",
    };
    match n.metric {
        NormMetric::ResidentsPerFacility => format!("{name}：{scope}每{}人至少1处", n.value),
        NormMetric::FloorAreaPer1000 => {
            format!("{name}：{scope}每千人建筑面积不少于{}平方米", n.value)
        }
        NormMetric::CapacityPer1000 => format!("{name}：{scope}每千人{unit}不少于{}", n.value),
    }
}

/// The service-circle workbook: coverage per community and target, the gaps (sites out of
/// reach with their nearest facility), and the allocation check.
pub fn circles_xlsx(
    l: &Loaded,
    report: &CircleReport,
    allocation: &[Allocation],
    norms: &[Norm],
    types: &FacilityTypes,
) -> Result<Vec<u8>, PlacesError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let name_of = |c: &Option<gongfu_domain::RegionCode>| {
        c.as_ref()
            .map(|c| l.regions.get(c).cloned().unwrap_or_else(|| c.to_string()))
            .unwrap_or_else(|| "（未定位社区）".into())
    };
    let point_name = |id: i64| {
        l.point(id)
            .map(|p| p.point.name.clone())
            .unwrap_or_default()
    };
    {
        let ws = wb.add_worksheet();
        ws.set_name("覆盖率").map_err(xlsx_err)?;
        let head = [
            "服务对象",
            "社区代码",
            "社区",
            "居住人口",
            "覆盖人口",
            "覆盖率",
            "未覆盖小区数",
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx_err)?;
        }
        ws.write_string(
            0,
            8,
            format!(
                "步行距离 {} 米，绕行系数 {}（直线可达 {:.0} 米）",
                report.params.walk_m,
                report.params.detour,
                report.params.reach_m()
            ),
        )
        .map_err(xlsx_err)?;
        let mut r = 1u32;
        for (t, by) in &report.coverage {
            for (c, cov) in by {
                ws.write_string(r, 0, target_label(t, types))
                    .map_err(xlsx_err)?;
                ws.write_string(r, 1, c.as_ref().map(|c| c.as_str()).unwrap_or(""))
                    .map_err(xlsx_err)?;
                ws.write_string(r, 2, name_of(c)).map_err(xlsx_err)?;
                ws.write_number(r, 3, cov.population as f64)
                    .map_err(xlsx_err)?;
                ws.write_number(r, 4, cov.covered as f64)
                    .map_err(xlsx_err)?;
                ws.write_number_with_format(r, 5, cov.share(), &pct)
                    .map_err(xlsx_err)?;
                ws.write_number(r, 6, cov.gaps.len() as f64)
                    .map_err(xlsx_err)?;
                r += 1;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("缺口").map_err(xlsx_err)?;
        let head = [
            "服务对象",
            "社区",
            "小区编码",
            "小区",
            "人口",
            "纬度",
            "经度",
            "最近设施",
            "直线距离(米)",
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx_err)?;
        }
        let mut r = 1u32;
        for (t, by) in &report.coverage {
            for (c, cov) in by {
                for g in &cov.gaps {
                    let Some(s) = l.sites.get(g.site) else {
                        continue;
                    };
                    ws.write_string(r, 0, target_label(t, types))
                        .map_err(xlsx_err)?;
                    ws.write_string(r, 1, name_of(c)).map_err(xlsx_err)?;
                    ws.write_string(r, 2, &s.code).map_err(xlsx_err)?;
                    ws.write_string(r, 3, &s.name).map_err(xlsx_err)?;
                    ws.write_number(r, 4, f64::from(s.population))
                        .map_err(xlsx_err)?;
                    ws.write_number(r, 5, s.position.lat).map_err(xlsx_err)?;
                    ws.write_number(r, 6, s.position.lng).map_err(xlsx_err)?;
                    if let Some((id, d)) = g.nearest {
                        ws.write_string(r, 7, point_name(id)).map_err(xlsx_err)?;
                        ws.write_number(r, 8, d.round()).map_err(xlsx_err)?;
                    } else {
                        ws.write_string(r, 7, "30公里内无").map_err(xlsx_err)?;
                    }
                    r += 1;
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("配置达标").map_err(xlsx_err)?;
        let head = [
            "配置标准",
            "单位代码",
            "单位",
            "常住人口",
            "设施数",
            "应配",
            "实配",
            "是否达标",
            "未知容量或面积的设施",
            "依据",
        ];
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx_err)?;
        }
        for (i, a) in allocation.iter().enumerate() {
            let r = i as u32 + 1;
            let n = &norms[a.norm];
            ws.write_string(r, 0, norm_label(n, types))
                .map_err(xlsx_err)?;
            ws.write_string(r, 1, a.unit.as_str()).map_err(xlsx_err)?;
            ws.write_string(r, 2, name_of(&Some(a.unit.clone())))
                .map_err(xlsx_err)?;
            ws.write_number(r, 3, a.population as f64)
                .map_err(xlsx_err)?;
            ws.write_number(r, 4, a.facilities as f64)
                .map_err(xlsx_err)?;
            ws.write_number(r, 5, (a.required * 10.0).round() / 10.0)
                .map_err(xlsx_err)?;
            ws.write_number(r, 6, (a.actual * 10.0).round() / 10.0)
                .map_err(xlsx_err)?;
            ws.write_string(r, 7, if a.short() { "不达标" } else { "达标" })
                .map_err(xlsx_err)?;
            ws.write_number(r, 8, a.unknown as f64).map_err(xlsx_err)?;
            ws.write_string(r, 9, &n.source).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}
