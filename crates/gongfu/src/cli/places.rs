//! Service points and service circles: import points, boundaries and residential sites;
//! export the points and the service-circle analysis.

use super::{read, write, Ctx};
use anyhow::Result;
use clap::Subcommand;
use gongfu_domain::geo::CoordSystem;
use std::path::PathBuf;

/// Place imports.
#[derive(Subcommand)]
pub enum Import {
    /// Service points (编码, 名称, 设施类型, 地址, 纬度, 经度, 坐标系, 电话, 开放时间, 容量,
    /// 建筑面积, 服务事项, 所属社区, 状态, 数据来源) from .csv, .xlsx or .geojson; a point
    /// whose code is held is replaced.
    Points {
        /// The file.
        file: PathBuf,
        /// Coordinate system of rows without a 坐标系: wgs84, gcj02 (Amap, Tencent) or bd09 (Baidu).
        #[arg(long, default_value = "wgs84")]
        coord: String,
    },
    /// Boundaries of the district, sub-districts and communities (GeoJSON Polygon or
    /// MultiPolygon features with properties.code); every point's community is derived again.
    Boundaries {
        /// The .geojson file.
        file: PathBuf,
    },
    /// Residential sites (编码, 名称, 纬度, 经度, 坐标系, 人口, 所属社区, 数据来源).
    Sites {
        /// The file.
        file: PathBuf,
        /// Coordinate system of rows without a 坐标系.
        #[arg(long, default_value = "wgs84")]
        coord: String,
    },
}

/// Place exports.
#[derive(Subcommand)]
pub enum Export {
    /// Every service point.
    Points {
        /// geojson (WGS84, RFC 7946), hsds (HSDS 3.0 locations and service_at_location) or xlsx.
        #[arg(long, default_value = "geojson")]
        format: String,
        /// Coordinate system of the xlsx positions: wgs84, gcj02 or bd09.
        #[arg(long, default_value = "wgs84")]
        coord: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The service-circle analysis (coverage, gaps, allocation) as xlsx.
    Circles {
        /// Walking distance within reach, metres.
        #[arg(long, default_value_t = 1000.0)]
        walk: f64,
        /// Walking / straight-line distance.
        #[arg(long, default_value_t = 1.0)]
        detour: f64,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

fn coord(raw: &str) -> Result<CoordSystem> {
    raw.parse().map_err(anyhow::Error::msg)
}

/// Runs a place import.
pub async fn import(what: Import, ctx: &Ctx) -> Result<()> {
    match what {
        Import::Points { file, coord: c } => {
            let coord = coord(&c)?;
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let c = s
                .places
                .import_points(&ctx.actor, &name, &bytes, coord, false)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-added-replaced",
                    file = name,
                    what = "服务点",
                    added = c.inserted,
                    replaced = c.updated
                )
            );
        }
        Import::Boundaries { file } => {
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let c = s
                .places
                .import_boundaries(&ctx.actor, &name, &bytes, false)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-added-replaced",
                    file = name,
                    what = "边界",
                    added = c.inserted,
                    replaced = c.updated
                )
            );
        }
        Import::Sites { file, coord: c } => {
            let coord = coord(&c)?;
            let (name, bytes) = read(&file)?;
            let s = ctx.services().await?;
            let c = s
                .places
                .import_sites(&ctx.actor, &name, &bytes, coord, false)
                .await?;
            println!(
                "{}",
                gongfu_domain::msg!(
                    "cli-added-replaced",
                    file = name,
                    what = "居住小区",
                    added = c.inserted,
                    replaced = c.updated
                )
            );
        }
    }
    Ok(())
}

/// Runs a place export.
pub async fn export(what: Export, ctx: &Ctx) -> Result<()> {
    match what {
        Export::Points {
            format,
            coord: c,
            out,
        } => {
            use gongfu_places::export::{self, PointFormat};
            let format = PointFormat::parse(&format)?;
            let coord = coord(&c)?;
            let s = ctx.services().await?;
            let places = &s.places;
            let l = places.loaded().await?;
            let all: Vec<_> = l.points.iter().collect();
            let bytes = match format {
                PointFormat::GeoJson => export::geojson(&all, &l, places.types())
                    .to_string()
                    .into_bytes(),
                PointFormat::Hsds => {
                    serde_json::to_vec_pretty(&export::hsds(&all, places.types()))?
                }
                PointFormat::Xlsx => export::xlsx(&all, places.types(), coord)?,
            };
            write(&out, bytes)?;
            println!("wrote {} service points to {}", all.len(), out.display());
        }
        Export::Circles { walk, detour, out } => {
            let params = gongfu_places::Places::circle_params(Some(walk), Some(detour))?;
            let s = ctx.services().await?;
            let places = &s.places;
            let (l, report) = places.circles(params).await?;
            let (_, alloc) = places.allocation().await?;
            let bytes = gongfu_places::export::circles_xlsx(
                &l,
                &report,
                &alloc,
                places.norms(),
                places.types(),
            )?;
            write(&out, bytes)?;
            println!(
                "wrote the service-circle analysis ({} residential sites, {} points) to {}",
                l.sites.len(),
                l.points.len(),
                out.display()
            );
        }
    }
    Ok(())
}
