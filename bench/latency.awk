# bench/latency.awk - the latency table of bench/run.sh from its rows
# (bench/latency.sh writes them, tab-separated): scenario, one-way delay
# ms, tool, targets x migrations, parallelism, wall s, targets,
# connections, turns, login turns. Needs -v M=migrations per target.
# One row per scenario, delay and tool: its fastest round.
function key(s, d, t) { return s SUBSEP d SUBSEP t }
function per(v, n) { return n > 0 ? v / n : 0 }
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
{
	k = key($1, $2, $3)
	if (!(k in best)) {
		order[++nk] = k
		best[k] = $0
		turns[k] = $9
	} else {
		split(best[k], o, "\t")
		if ($6 + 0 < o[6] + 0)
			best[k] = $0
		if ($9 != turns[k])
			varied[k] = 1
	}
	runs[k]++
}
END {
	for (i = 1; i <= nk; i++) {
		split(best[order[i]], f, "\t")
		ms[order[i]] = per(f[6] * 1000, f[7])
		tpt[order[i]] = per(f[9], f[7])
	}
	printf "%-32s %4s %-16s %-9s %3s %4s %8s %9s %6s %7s %6s %6s %7s %6s %7s\n",
		"scenario", "rtt", "tool", "targets×m", "par", "runs", "wall s", "ms/target",
		"×floor", "×pfloor", "÷migr", "conn/t", "turns/t", "rt/t", "rt/migr"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(best[k], f, "\t")
		s = f[1]; d = f[2]; t = f[3]
		fl = ms[key(s, d, "floor")]
		pf = (s ~ /upgrade$/) ? ms[key(s, d, "pfloor")] : 0
		mg = (t != "migratore") ? ms[key(s, d, "migratore")] : 0
		conns = per(f[8], f[7])
		# after connect: each connection's login and polite close taken off
		rt = tpt[k] - conns * (f[10] + 1)
		# per applied migration: over the same tool's run with nothing
		# pending (the pipelined floors': the floor's --check)
		pm = "-"
		if (s ~ /upgrade$/) {
			ns = s
			sub(/upgrade$/, "nothing pending", ns)
			nt = (t ~ /^pfloor/) ? "floor" : t
			if (key(ns, d, nt) in tpt)
				pm = sprintf("%.2f", (tpt[k] - tpt[key(ns, d, nt)]) / M)
		}
		printf "%-32s %4g %-16s %-9s %3s %4d %8.3f %9.1f %6s %7s %6s %6.1f %6.1f%s %6.1f %7s\n",
			s, 2 * d, t, f[4], f[5], runs[k], f[6], ms[k], ratio(ms[k], fl),
			ratio(ms[k], pf), ratio(ms[k], mg), conns, tpt[k], (k in varied) ? "~" : " ",
			rt, pm
	}
}
