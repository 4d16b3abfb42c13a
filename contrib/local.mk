# contrib/: nightly jobs (systemd, cron, Kubernetes, Slurm) and shell
# completion. Shipped in the tarball; `make install` puts the completions
# where bash and zsh look for them, and every file, as an example to copy,
# under $(docdir)/contrib/ with its directory (the systemd unit's
# Documentation= points there).
CONTRIB_FILES = \
	contrib/README.md \
	contrib/systemd/README.md \
	contrib/systemd/migratore-fleet.service \
	contrib/systemd/migratore-fleet.timer \
	contrib/systemd/migratore-notify@.service \
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

contribdir = $(docdir)
nobase_dist_contrib_DATA = $(CONTRIB_FILES)

# The completions go by the names the shells look for: bash-completion
# loads completions/migratore when `migratore` is first completed, zsh finds
# _migratore in a directory of $fpath (site-functions is one by default).
bashcompletiondir = $(datadir)/bash-completion/completions
zshcompletiondir = $(datadir)/zsh/site-functions

install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)' '$(DESTDIR)$(zshcompletiondir)'
	$(INSTALL_DATA) '$(srcdir)/contrib/completion/migratore.bash' \
		'$(DESTDIR)$(bashcompletiondir)/migratore'
	$(INSTALL_DATA) '$(srcdir)/contrib/completion/migratore.zsh' \
		'$(DESTDIR)$(zshcompletiondir)/_migratore'

uninstall-local:
	rm -f '$(DESTDIR)$(bashcompletiondir)/migratore' \
		'$(DESTDIR)$(zshcompletiondir)/_migratore'

EXTRA_DIST += contrib/local.mk contrib/completion/migratore.bash

