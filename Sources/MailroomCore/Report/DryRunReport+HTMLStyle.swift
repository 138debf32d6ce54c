extension DryRunReport {
    /// The report's stylesheet: system fonts, high-contrast text (WCAG AA or better on its backgrounds), tables
    /// that wrap long addresses instead of overflowing, charts that scale with the page, and print-friendly.
    public static let htmlStyle = """
    :root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f3f5f8;--panel:#fff;
    --sent:#d9480f;--received:#1864ab;--a:#2b8a3e;--b:#e8a33d;--c:#868e96;--d:#7048e8;--e:#c2255c;--q:#c92a2a}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--fg);
    font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
    .wrap{max-width:1120px;margin:0 auto;padding:0 20px}
    header.top{background:#16324f;color:#fff;padding:22px 0 20px;margin-bottom:20px}
    header.top h1{margin:2px 0 4px;font-size:28px;line-height:1.2;overflow-wrap:anywhere}
    .eyebrow{margin:0;font-size:13px;letter-spacing:.04em;text-transform:uppercase;color:#c9d6e3}
    .meta{margin:0;color:#dde6ef;font-size:14px}
    header.top code{color:#fff}
    code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px;margin-bottom:20px}
    .card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
    .card .num{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.2}
    .card .what{font-weight:600}
    .card .sub{color:var(--muted);font-size:13px}
    .card.warn{border-color:var(--q);box-shadow:inset 4px 0 0 var(--q)}
    .panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-bottom:20px}
    .panel h2{margin:0 0 6px;font-size:19px}
    .panel h3{margin:18px 0 6px;font-size:16px}
    .note{color:var(--muted);margin:4px 0 12px;max-width:75ch}
    .empty{color:var(--muted);font-style:italic}
    .dim{color:var(--muted)}
    .legend{margin:0 0 6px;font-size:14px}
    .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 6px -1px 0}
    .swatch+.swatch,.legend .swatch:not(:first-child){margin-left:16px}
    .swatch.sent{background:var(--sent)}.swatch.received{background:var(--received)}
    svg.chart{display:block;width:100%;height:auto;max-width:100%;font-family:inherit}
    svg.bars{max-width:760px}
    .grid{stroke:#e6eaef;stroke-width:1}.baseline,.tick{stroke:#8c959f;stroke-width:1}
    .axis{fill:var(--muted);font-size:12px}
    .label{fill:var(--fg);font-size:14px}.value{fill:var(--fg);font-size:14px;font-weight:600}
    .hit{fill:transparent}.track{fill:#eef1f4}
    .bar-sent{fill:var(--sent)}.bar-received{fill:var(--received)}
    .bar-a{fill:var(--a)}.bar-b{fill:var(--b)}.bar-c{fill:var(--c)}.bar-d{fill:var(--d)}.bar-e{fill:var(--e)}.bar-q{fill:var(--q)}
    g:hover>.bar-sent,g:hover>.bar-received{opacity:.8}
    .table-wrap{overflow-x:auto;margin:0 -4px}
    table{width:100%;border-collapse:collapse;font-size:14px}
    th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{font-size:13px;color:var(--muted);font-weight:600;white-space:nowrap;background:#f8f9fb}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    .wrap-any{overflow-wrap:anywhere;word-break:break-word;min-width:10ch}
    tbody tr:nth-child(even){background:#fafbfc}
    ul.plain{margin:0;padding:0;list-style:none}
    .badge{display:inline-block;padding:0 7px;border-radius:10px;background:#e7f0fb;color:#0b4a8b;font-size:12px;
    font-weight:600;white-space:nowrap}
    .badge.muted{background:#eceef1;color:var(--muted)}
    details{margin-top:10px}summary{cursor:pointer;color:#0b4a8b}
    footer{color:var(--muted);font-size:13px;padding-bottom:28px}
    pre.cmd{margin:6px 0 10px;padding:8px 10px;background:#f4f6f8;border:1px solid #d9dee3;border-radius:6px;
    white-space:pre-wrap;word-break:break-all}code.cmd{user-select:all;-webkit-user-select:all;cursor:text}
    ul.cmds{padding-left:18px}
    @media (max-width:640px){.wrap{padding:0 12px}.panel{padding:12px;overflow-x:auto}header.top h1{font-size:22px}
    .cards{grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}.card{padding:10px}.card .num{font-size:21px}
    svg.chart{min-width:600px}svg.bars{min-width:520px}}
    @media print{body{background:#fff}.panel,.card{break-inside:avoid;border-color:#999}header.top,header.top *{background:#fff;color:#000}}
    """
}
