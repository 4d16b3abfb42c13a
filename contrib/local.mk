# contrib/: nightly jobs (systemd, cron, Kubernetes, Slurm) and shell
# completion. Shipped in the tarball; the bash completion is installed,
# the rest is for packagers and operators to copy (contrib/README.md).
CONTRIB_FILES = \
	contrib/README.md \
	contrib/systemd/README.md \
	contrib/systemd/migratore-fleet.service \
	contrib/systemd/migratore-fleet.timer \
	contrib/systemd/migratore.sysusers \
	contrib/systemd/migratore.tmpfiles \
	contrib/cron/README.md \
	contrib/cron/migratore \
	contrib/kubernetes/README.md \
	contrib/kubernetes/cronjob.yaml \
	contrib/kubernetes/indexed-job.yaml \
	contrib/kubernetes/merge-job.yaml \
	contrib/kubernetes/Dockerfile \
	contrib/slurm/migratore-fleet.sbatch \
	contrib/slurm/migratore-merge.sbatch \
	contrib/completion/migratore.zsh

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/completion/migratore.bash

EXTRA_DIST += $(CONTRIB_FILES) contrib/local.mk

