"""HTML reports of scenario runs: self-contained pages (inline SVG, CSS and JS, no fetches)
with a per-host event timeline and per-link plots of packets, drops and throughput over
virtual time. A small script summarises the events from the embedded data and then adds the
marker element #report-ready (the headless-browser test looks for it)."""

import html
import json
import os


MAX_HOSTS_SHOWN = 60
MAX_EVENTS_KEPT = 20000
MAX_LINKS_PLOTTED = 8
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
EVENT_COLORS = {"ONLINE": "#2ca02c", "OFFLINE": "#d62728", "PEER_DIRECT": "#1f77b4",
                "PEER_RELAY": "#ff7f0e", "USER_MESSAGE": "#9467bd", "CRASH": "#000000",
                "RESTART": "#17becf", "IDENTITY_COLLISION": "#e377c2"}


class Sampler:
    """Samples every link direction's counters (called by World.run_to every sample_ms)."""

    def __init__(self):
        self.samples = []  # (t_ms, {(link, dir): (sent, delivered, dropped, bytes_delivered)})

    def __call__(self, world):
        snap = {}
        for link in world.links():
            for d in (0, 1):
                c = link.counters(d)
                if c.sent:
                    snap[(link.index, d)] = (c.sent, c.delivered, c.dropped, c.bytes_delivered)
        self.samples.append((world.now, snap))


def _link_label(world, counters, elem_names):
    a, b = counters.a, counters.b
    return "%s > %s" % (elem_names.get(a, "e%d" % a), elem_names.get(b, "e%d" % b))


def collect(world, res):
    """The data a report needs, taken from a world before it is closed."""
    if world.sampler is not None:
        world.sampler(world)  # a final sample at the end time
    elem_names = {h.info().elem: h.name for h in world.hosts}
    elem_names[0] = "core"
    series = []
    samples = world.sampler.samples if world.sampler else []
    if samples:
        last = samples[-1][1]
        top = sorted(last, key=lambda k: (-last[k][0], k))[:MAX_LINKS_PLOTTED]
        for key in top:
            c = world.links()[key[0]].counters(key[1])
            label = _link_label(world, c, elem_names) if key[1] == 0 else \
                "%s > %s" % (elem_names.get(c.b, "e%d" % c.b), elem_names.get(c.a, "e%d" % c.a))
            pts, prev = [], (0, 0, 0, 0, 0)
            for t, snap in samples:
                v = snap.get(key, (0, 0, 0, 0))
                dt = max(t - prev[4], 1)
                pts.append([t, v[1] - prev[1], v[2] - prev[2], (v[3] - prev[3]) * 1000.0 / dt])
                prev = (v[0], v[1], v[2], v[3], t)
            series.append({"label": "link %d/%d %s" % (key[0], key[1], label), "points": pts})
    events = [[e.t_ms, e.host.index, e.type, e.peer] for e in world.history[:MAX_EVENTS_KEPT]]
    return {
        "scenario": res.scenario.name, "seed": res.seed, "doc": res.scenario.doc,
        "hosts": [[h.name, h.role] for h in world.hosts],
        "events": events, "series": series, "end_ms": world.now,
        "faults": [[f.at_ms, f.spec()] for f in world.fault_log],
        "params": {k: str(v) for k, v in res.params.items()},
    }


# ---- SVG ------------------------------------------------------------------------------------

def _x(t, end, width, left):
    return left + (width - left - 10) * (t / end if end else 0)


def timeline_svg(data):
    hosts = data["hosts"][:MAX_HOSTS_SHOWN]
    end, width, row, left = max(data["end_ms"], 1), 960, 16, 110
    height = 30 + row * len(hosts)
    out = ['<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d">' % (width, height, width, height)]
    for i, (name, role) in enumerate(hosts):
        y = 20 + row * i
        out.append('<text x="4" y="%d" class="hl">%s%s</text>' % (y + 4, html.escape(name),
                                                                 " (root)" if role == "root" else ""))
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" class="row"/>' % (left, width - 10, y, y))
    for t, spec in data["faults"]:
        x = _x(t, end, width, left)
        out.append('<line class="fault" x1="%.1f" x2="%.1f" y1="10" y2="%d"><title>%s</title></line>'
                   % (x, x, height - 5, html.escape(spec)))
    for t, h, kind, peer in data["events"]:
        if h >= len(hosts):
            continue
        out.append('<circle class="ev" cx="%.1f" cy="%d" r="3.5" fill="%s"><title>%s t=%.3fs %s peer=%s'
                   '</title></circle>' % (_x(t, end, width, left), 20 + row * h,
                                          EVENT_COLORS.get(kind, "#7f7f7f"), html.escape(hosts[h][0]),
                                          t / 1000, kind, peer))
    out.append('<text x="%d" y="%d" class="axis">0 s</text>' % (left, height - 2))
    out.append('<text x="%d" y="%d" class="axis" text-anchor="end">%.1f s</text>'
               % (width - 10, height - 2, end / 1000))
    out.append("</svg>")
    return "\n".join(out)


def plot_svg(data, metric, title, unit):
    width, height, left, top = 960, 220, 70, 20
    end = max(data["end_ms"], 1)
    vmax = max([p[metric] for s in data["series"] for p in s["points"]] + [1])
    out = ['<svg class="plot" data-metric="%s" xmlns="http://www.w3.org/2000/svg" width="%d" '
           'height="%d" viewBox="0 0 %d %d">' % (title, width, height + 40, width, height + 40),
           '<text x="%d" y="14" class="ptitle">%s (%s)</text>' % (left, html.escape(title), unit),
           '<line x1="%d" x2="%d" y1="%d" y2="%d" class="axisl"/>' % (left, width - 10, top + height - 20,
                                                                     top + height - 20),
           '<text x="4" y="%d" class="axis">%.4g</text>' % (top + 4, vmax),
           '<text x="4" y="%d" class="axis">0</text>' % (top + height - 20)]
    for i, s in enumerate(data["series"]):
        pts = " ".join("%.1f,%.1f" % (_x(p[0], end, width, left),
                                      top + (height - 20) * (1 - p[metric] / vmax)) for p in s["points"])
        color = COLORS[i % len(COLORS)]
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"><title>%s</title>'
                   '</polyline>' % (color, pts, html.escape(s["label"])))
        out.append('<text x="%d" y="%d" class="legend" fill="%s">%s</text>' % (
            left + 240 * (i % 4), top + height + 2 + 14 * (i // 4), color, html.escape(s["label"])))
    out.append("</svg>")
    return "\n".join(out)


STYLE = """body{font-family:sans-serif;margin:20px;color:#222}h1{font-size:20px}
.hl{font-size:11px}.axis{font-size:10px;fill:#555}.ptitle{font-size:12px;font-weight:bold}
.row{stroke:#ddd}.axisl{stroke:#999}.fault{stroke:#d62728;stroke-dasharray:4 3}
.legend{font-size:10px}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ccc;padding:2px 6px}.pass{color:#2ca02c}.fail{color:#d62728}"""

SCRIPT = """(function(){
var d=JSON.parse(document.getElementById('report-data').textContent);var c={};
d.events.forEach(function(e){c[e[2]]=(c[e[2]]||0)+1;});
var t=document.getElementById('event-counts');Object.keys(c).sort().forEach(function(k){
var r=t.insertRow();r.insertCell().textContent=k;r.insertCell().textContent=c[k];});
var m=document.createElement('div');m.id='report-ready';m.setAttribute('data-events',d.events.length);
m.setAttribute('data-hosts',d.hosts.length);m.setAttribute('data-plots',
document.querySelectorAll('svg.plot').length);m.textContent='report ready: '+d.events.length+
' events, '+d.hosts.length+' hosts';document.body.appendChild(m);})();"""


def page(res, data):
    status = '<span class="pass">passed</span>' if res.ok else \
        '<span class="fail">failed</span>: %s' % html.escape(res.message)
    blob = json.dumps(data).replace("</", "<\\/")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s seed %d</title><style>%s</style>"
        "</head><body>" % (html.escape(res.name), res.seed, STYLE),
        "<h1>%s, seed %d</h1><p>%s</p>" % (html.escape(res.name), res.seed, html.escape(data["doc"])),
        "<p>Result: %s<br>Virtual time %.3f s, %d events, trace hash <code>%s</code>, wall %.2f s"
        "</p>" % (status, res.virtual_ms / 1000, res.events, res.hash, res.wall_s),
        "<p>Params: <code>%s</code><br>Faults: <code>%s</code></p>" % (
            html.escape(json.dumps(data["params"])), html.escape(res.fault_log.spec())),
        "<h2>Events per host</h2>", timeline_svg(data),
        "<h2>Links (the %d busiest directions)</h2>" % len(data["series"]),
        plot_svg(data, 1, "packets delivered per sample", "datagrams"),
        plot_svg(data, 2, "drops per sample", "datagrams"),
        plot_svg(data, 3, "throughput", "bytes/s"),
        "<h2>Event counts</h2><table id='event-counts'><tr><th>event</th><th>count</th></tr></table>",
        "<script type='application/json' id='report-data'>%s</script>" % blob,
        "<script>%s</script></body></html>" % SCRIPT,
    ]
    return "\n".join(parts)


def write_reports(directory, results):
    os.makedirs(directory, exist_ok=True)
    rows = []
    for r in results:
        name = "%s-seed%d.html" % (r.name, r.seed)
        if r.report is not None:
            with open(os.path.join(directory, name), "w") as f:
                f.write(page(r, r.report))
        rows.append("<tr><td><a href='%s'>%s</a></td><td>%d</td><td class='%s'>%s</td><td>%.3f</td>"
                    "<td><code>%s</code></td></tr>" % (name, html.escape(r.name), r.seed,
                                                      "pass" if r.ok else "fail",
                                                      "pass" if r.ok else "FAIL", r.virtual_ms / 1000,
                                                      r.hash[:16]))
    with open(os.path.join(directory, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>ztk-sim report</title>"
                "<style>%s</style></head><body><h1>ztk-sim report</h1><table><tr><th>scenario</th>"
                "<th>seed</th><th>result</th><th>virtual s</th><th>hash</th></tr>%s</table>"
                "</body></html>" % (STYLE, "\n".join(rows)))


