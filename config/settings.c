/*
 * Single-target configuration: one table of variables walked by one generic
 * resolver (flags > environment > .env > defaults), then DB_URL, then the
 * engine choice. The rules are written down in settings.h.
 */
#include "config.h"

#include "config/settings.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "config/dburl.h"
#include "config/dotenv.h"
#include "config/duration.h"
#include "config/engine.h"
#include "common/banned.h"

/* How a value is stored in struct target and shown by `environ`. */
enum setting_type {
	ST_STRING, /* char * */
	ST_PATH,   /* char *, made absolute against the current directory */
	ST_SECRET, /* char *, shown as **** */
	ST_URL,    /* char *, shown with its secrets masked */
	ST_INT,    /* int */
	ST_BOOL,   /* bool */
	ST_DURATION, /* double, seconds (config/duration.h) */
};

/*
 * A converted value: validators fill num or str. A validator whose
 * message is built from another table sets expect instead of relying on
 * the setting's fixed one.
 */
struct setting_value {
	long num;
	double dur;
	const char *str;
	void (*expect)(struct buf *out);
};

struct setting {
	enum cfg_key key;
	const char *name;
	/* checked before name, in this order: an alias beats the plain name */
	const char *aliases[3];
	enum setting_type type;
	const char *def; /* default text; NULL = none */
	const char *(*def_fn)(const struct settings_input *in);
	size_t off;      /* the field in struct target */
	/* converts the text, or returns false; `expect` completes the error */
	bool (*valid)(const char *raw, struct setting_value *v);
	const char *expect;
	bool empty_ok; /* "" is a value; otherwise "" counts as not set */
	bool flag;     /* may be given as a command-line flag */
};

/* Where a raw value came from, for precedence and for messages. */
struct origin {
	enum cfg_source src;
	const char *var; /* the variable as spelled, "DB_HOST" */
	int line;        /* .env line; 0 otherwise */
};

static bool valid_port(const char *raw, struct setting_value *v);
static bool valid_bool(const char *raw, struct setting_value *v);
static bool valid_seconds(const char *raw, struct setting_value *v);
static bool valid_duration(const char *raw, struct setting_value *v);
static bool valid_engine(const char *raw, struct setting_value *v);
static const char *default_operator(const struct settings_input *in);

#define F(field) offsetof(struct target, field)

static const struct setting settings_table[] = {
	{ CFG_ENGINE, "ENGINE", { NULL }, ST_STRING, NULL, NULL, F(engine),
	  valid_engine, NULL, false, true },
	{ CFG_DB_URL, "DB_URL", { NULL }, ST_URL, NULL, NULL, F(db_url), NULL,
	  NULL, false, true },
	{ CFG_HOST, "HOST", { "DB_HOST" }, ST_STRING, NULL, NULL, F(host),
	  NULL, NULL, false, true },
	{ CFG_PORT, "PORT", { "DB_PORT" }, ST_INT, NULL, NULL, F(port),
	  valid_port, "is not a port number (1-65535)", false, true },
	{ CFG_UNIX_SOCKET, "UNIX_SOCKET", { "DB_UNIX_SOCKET" }, ST_STRING, NULL,
	  NULL, F(unix_socket), NULL, NULL, false, true },
	{ CFG_DB, "DB", { "DB_NAME" }, ST_STRING, NULL, NULL, F(db), NULL,
	  NULL, false, true },
	{ CFG_SCHEMA, "SCHEMA", { "DB_SCHEMA" }, ST_STRING, NULL, NULL,
	  F(schema), NULL, NULL, false, false },
	{ CFG_CREATE_SCHEMA, "CREATE_SCHEMA", { NULL }, ST_BOOL, NULL, NULL,
	  F(create_schema), valid_bool,
	  "is not a boolean (use 1/0/true/false/yes/no/on/off)", false, false },
	{ CFG_USERNAME, "USERNAME", { "DB_USER", "DB_USERNAME" }, ST_STRING,
	  NULL, NULL, F(username), NULL, NULL, false, true },
	/* no --password: a command line is visible to every local user */
	{ CFG_PASSWORD, "PASSWORD", { "DB_PASSWORD" }, ST_SECRET, NULL, NULL,
	  F(password), NULL, NULL, true, false },
	{ CFG_FS, "FS", { NULL }, ST_PATH, ".", NULL, F(fs), NULL, NULL, false,
	  true },
	{ CFG_SAFE, "SAFE", { NULL }, ST_BOOL, "1", NULL, F(safe), valid_bool,
	  "is not a boolean (use 1/0/true/false/yes/no/on/off)", false, true },
	{ CFG_DEBUG, "DEBUG", { NULL }, ST_BOOL, "0", NULL, F(debug),
	  valid_bool, "is not a boolean (use 1/0/true/false/yes/no/on/off)",
	  false, true },
	{ CFG_LOCK_TIMEOUT, "LOCK_TIMEOUT", { NULL }, ST_INT, "60", NULL,
	  F(lock_timeout), valid_seconds,
	  "is not a number of seconds (0 or more)", false, true },
	/* their flags are rows of the option table (config/options.c) */
	{ CFG_DDL_LOCK_TIMEOUT, "DDL_LOCK_TIMEOUT", { NULL }, ST_DURATION, "3s",
	  NULL, F(ddl_lock_timeout), valid_duration,
	  "is not a duration such as 3, 3s, 1.5, 1m or none", false, false },
	{ CFG_DDL_LOCK_RETRIES, "DDL_LOCK_RETRIES", { NULL }, ST_DURATION,
	  "1m", NULL, F(ddl_lock_retries), valid_duration,
	  "is not a duration such as 90, 10m, 1h30m or none", false, false },
	{ CFG_OPERATOR, "OPERATOR", { NULL }, ST_STRING, NULL,
	  default_operator, F(operator_name), NULL, NULL, false, true },
	/* --strict-checksums and --strict are flags of their own */
	{ CFG_STRICT_CHECKSUMS, "STRICT_CHECKSUMS", { NULL }, ST_BOOL, NULL,
	  NULL, F(strict_checksums), valid_bool,
	  "is not a boolean (use 1/0/true/false/yes/no/on/off)", false,
	  false },
	{ CFG_STATUS_STRICT, "STATUS_STRICT", { NULL }, ST_BOOL, NULL, NULL,
	  F(status_strict), valid_bool,
	  "is not a boolean (use 1/0/true/false/yes/no/on/off)", false,
	  false },
	{ CFG_INVENTORY, "INVENTORY", { NULL }, ST_STRING, NULL, NULL,
	  F(inventory), NULL, NULL, false, true },
};

#undef F
#define NSETTINGS (sizeof(settings_table) / sizeof(settings_table[0]))

static bool
valid_digits(const char *raw, long max, struct setting_value *v)
{
	long n = 0;
	size_t i;

	if (raw[0] == '\0')
		return false;
	for (i = 0; raw[i] != '\0'; i++) {
		if (raw[i] < '0' || raw[i] > '9')
			return false;
		n = n * 10 + (raw[i] - '0');
		if (n > max)
			return false;
	}
	v->num = n;
	return true;
}

static bool
valid_port(const char *raw, struct setting_value *v)
{
	return valid_digits(raw, 65535, v) && v->num >= 1;
}

static bool
valid_seconds(const char *raw, struct setting_value *v)
{
	return valid_digits(raw, INT_MAX, v);
}

static bool
valid_duration(const char *raw, struct setting_value *v)
{
	struct err e = ERR_INIT;

	return duration_parse(raw, &v->dur, &e) == 0;
}

static bool
valid_bool(const char *raw, struct setting_value *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(raw, yes[i]) == 0) {
			v->num = 1;
			return true;
		}
		if (strcasecmp(raw, no[i]) == 0) {
			v->num = 0;
			return true;
		}
	}
	return false;
}

/* ENGINE takes every name of config/engine.h, in any case. */
static bool
valid_engine(const char *raw, struct setting_value *v)
{
	const struct engine *eng = engine_find(raw, strlen(raw));

	v->str = eng ? eng->name : NULL;
	v->expect = engine_expected;
	return eng != NULL;
}

static const char *
default_operator(const struct settings_input *in)
{
	return in->login && in->login[0] != '\0' ? in->login : "unknown";
}

/* Precedence rank of a source; DB_URL parts compare against it. */
static int
source_rank(enum cfg_source src)
{
	switch (src) {
	case SRC_FLAG: return 3;
	case SRC_ENV: return 2;
	case SRC_DOTENV: return 1;
	default: return 0;
	}
}

/* path without its leading "./" (and the slashes after each). */
static const char *
skip_dot_slashes(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (path[0] == '/')
			path++;
	}
	return path;
}

static char *
make_absolute(const char *cwd, const char *path)
{
	size_t n;

	if (path[0] == '/' || cwd == NULL)
		return xstrdup(path);
	path = skip_dot_slashes(path);
	if (path[0] == '\0' || strcmp(path, ".") == 0)
		return xstrdup(cwd);
	n = strlen(cwd);
	if (n > 0 && cwd[n - 1] == '/')
		return xasprintf("%s%s", cwd, path);
	return xasprintf("%s/%s", cwd, path);
}

/* "environment", ".env line 3", ... for messages. */
static void
origin_text(const struct origin *o, const struct settings_input *in,
	    struct buf *out)
{
	if (o->src == SRC_DOTENV)
		buf_addf(out, "%s line %d",
			 in->dotenv_name ? in->dotenv_name : ".env", o->line);
	else
		buf_adds(out, cfg_source_name(o->src));
}

/* The value of var in a KEY=VALUE vector; last or first occurrence. */
static const char *
kv_find(char *const *v, size_t n, const char *var, bool last)
{
	const char *found = NULL;
	size_t i, len = strlen(var);

	for (i = 0; v != NULL && (n == SIZE_MAX ? v[i] != NULL : i < n); i++) {
		if (strncmp(v[i], var, len) != 0 || v[i][len] != '=')
			continue;
		found = v[i] + len + 1;
		if (!last)
			break;
	}
	return found;
}

/* The raw text of one source for one name, or NULL. */
static const char *
source_value(const struct settings_input *in, const struct dotenv *dot,
	     enum cfg_source src, const char *var, int *line)
{
	const struct dotenv_pair *p;

	*line = 0;
	switch (src) {
	case SRC_FLAG:
		/* a repeated flag: the last one wins, as on any command line */
		return in->flags ? kv_find(in->flags->v, in->flags->n, var, true)
				 : NULL;
	case SRC_ENV:
		/* the first one, as getenv(3) does */
		return kv_find(in->envp, SIZE_MAX, var, false);
	case SRC_DOTENV:
		p = dotenv_get(dot, var);
		if (p == NULL)
			return NULL;
		*line = p->line;
		return p->value;
	default:
		return NULL;
	}
}

/* The winning raw value of a setting: highest source, alias first. */
static const char *
lookup(const struct settings_input *in, const struct dotenv *dot,
       const struct setting *s, struct origin *o)
{
	static const enum cfg_source order[] = { SRC_FLAG, SRC_ENV,
						 SRC_DOTENV };
	const char *names[4], *raw;
	size_t i, j, nn = 0;

	for (j = 0; j < 3 && s->aliases[j] != NULL; j++)
		names[nn++] = s->aliases[j];
	names[nn++] = s->name;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		for (j = 0; j < nn; j++) {
			raw = source_value(in, dot, order[i], names[j],
					   &o->line);
			if (raw == NULL || (raw[0] == '\0' && !s->empty_ok))
				continue;
			o->src = order[i];
			o->var = names[j];
			return raw;
		}
	}
	return NULL;
}

/* The setting's value raw (from o) is not valid (v: what its validator
 * found): why, and where it came from. */
static int
invalid(const struct setting *s, const char *raw,
	const struct setting_value *v, const struct origin *o,
	const struct settings_input *in, struct err *e)
{
	struct buf where = BUF_INIT, why = BUF_INIT;

	origin_text(o, in, &where);
	if (v->expect)
		v->expect(&why);
	err_set(e, ERR_CONFIG, "%s (from %s): '%.200s' %s", o->var, where.ptr,
		raw, v->expect ? why.ptr : s->expect);
	buf_release(&where);
	buf_release(&why);
	return e->code;
}

/* Validate raw and store it into the setting's field of t. */
static int
store(struct target *t, const struct setting *s, const char *raw,
      const struct origin *o, const struct settings_input *in, struct err *e)
{
	struct setting_value v = { .str = raw };
	char **str = (char **)((char *)t + s->off);

	if (s->valid != NULL && !s->valid(raw, &v))
		return invalid(s, raw, &v, o, in, e);
	switch (s->type) {
	case ST_INT:
		*(int *)((char *)t + s->off) = (int)v.num;
		break;
	case ST_BOOL:
		*(bool *)((char *)t + s->off) = v.num != 0;
		break;
	case ST_DURATION:
		*(double *)((char *)t + s->off) = v.dur;
		break;
	case ST_PATH:
		free(*str);
		*str = make_absolute(in->cwd, v.str);
		break;
	default:
		free(*str);
		*str = xstrdup(v.str);
		break;
	}
	t->source[s->key] = o->src;
	return 0;
}

static int
resolve_table(struct target *t, const struct settings_input *in,
	      const struct dotenv *dot, struct origin *origins, struct err *e)
{
	const struct setting *s;
	const char *raw;
	struct origin *o;
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		s = &settings_table[i];
		o = &origins[s->key];
		raw = lookup(in, dot, s, o);
		if (raw == NULL) {
			raw = s->def_fn ? s->def_fn(in) : s->def;
			o->src = SRC_DEFAULT;
			o->var = s->name;
			o->line = 0;
		}
		if (raw != NULL && store(t, s, raw, o, in, e) < 0)
			return e->code;
	}
	return 0;
}

/*
 * Move a URL part into t when DB_URL's source is at least as strong as the
 * separate variable's: an absent part (NULL) changes nothing.
 */
static void
url_take(struct target *t, enum cfg_key key, char **field, char **part,
	 int url_rank)
{
	if (*part == NULL || source_rank(t->source[key]) > url_rank)
		return;
	free(*field);
	*field = *part;
	*part = NULL;
	t->source[key] = SRC_URL;
}

static int
apply_url(struct target *t, const struct settings_input *in,
	  const struct origin *o, const char **url_engine, struct err *e)
{
	struct dburl u;
	struct buf where = BUF_INIT;
	int rank = source_rank(t->source[CFG_DB_URL]);

	*url_engine = NULL;
	if (t->db_url == NULL)
		return 0;
	dburl_init(&u);
	if (dburl_parse(&u, t->db_url, e) < 0) {
		origin_text(o, in, &where);
		err_prefix(e, "%s (from %s)", o->var, where.ptr);
		buf_release(&where);
		return e->code;
	}
	url_take(t, CFG_HOST, &t->host, &u.host, rank);
	url_take(t, CFG_UNIX_SOCKET, &t->unix_socket, &u.unix_socket, rank);
	url_take(t, CFG_DB, &t->db, &u.db, rank);
	url_take(t, CFG_USERNAME, &t->username, &u.user, rank);
	url_take(t, CFG_PASSWORD, &t->password, &u.password, rank);
	if (u.port != 0 && source_rank(t->source[CFG_PORT]) <= rank) {
		t->port = u.port;
		t->source[CFG_PORT] = SRC_URL;
	}
	strv_release(&t->params);
	t->params = u.params;
	strv_init(&u.params);
	*url_engine = engine_of(u.engine)->name;
	dburl_release(&u);
	return 0;
}

/*
 * ENGINE; else the DB_URL scheme; else the server fallback (mysql) if a
 * server is named; else the fallback (sqlite).
 */
static void
choose_engine(struct target *t, const char *url_engine)
{
	static const enum cfg_key server_keys[] = {
		CFG_HOST, CFG_PORT, CFG_UNIX_SOCKET, CFG_USERNAME, CFG_PASSWORD
	};
	const char *engine = engine_fallback(false)->name;
	enum cfg_source src = SRC_DEFAULT;
	size_t i;

	if (t->source[CFG_ENGINE] != SRC_UNSET)
		return;
	if (url_engine != NULL) {
		engine = url_engine;
		src = SRC_URL;
	} else {
		for (i = 0; i < sizeof(server_keys) / sizeof(server_keys[0]);
		     i++) {
			if (t->source[server_keys[i]] != SRC_UNSET) {
				engine = engine_fallback(true)->name;
				src = SRC_DERIVED;
			}
		}
	}
	free(t->engine);
	t->engine = xstrdup(engine);
	t->source[CFG_ENGINE] = src;
}

/* A file engine's DB is a file: its default (migratore.db), absolute. */
static void
finish_file_db(struct target *t, const struct settings_input *in)
{
	const struct engine *eng = engine_of(t->engine);
	char *abs;

	if (!eng || !eng->file)
		return;
	if (t->db == NULL) {
		t->db = xstrdup(eng->default_db);
		t->source[CFG_DB] = SRC_DEFAULT;
	}
	abs = make_absolute(in->cwd, t->db);
	free(t->db);
	t->db = abs;
}

int
settings_resolve(const struct settings_input *in, struct target **out,
		 struct err *e)
{
	struct origin origins[CFG_NKEYS];
	struct dotenv dot = DOTENV_INIT;
	struct target *t = target_new();
	const char *url_engine;
	int rc;

	*out = NULL;
	memset(origins, 0, sizeof(origins));
	/* target_new's defaults are not a source: the table decides */
	t->safe = false;
	t->lock_timeout = 0;
	if (in->dotenv_text != NULL &&
	    (rc = dotenv_parse(&dot, in->dotenv_text, strlen(in->dotenv_text),
			       in->dotenv_name, e)) < 0)
		goto out;
	if ((rc = resolve_table(t, in, &dot, origins, e)) < 0)
		goto out;
	if ((rc = apply_url(t, in, &origins[CFG_DB_URL], &url_engine, e)) < 0)
		goto out;
	choose_engine(t, url_engine);
	finish_file_db(t, in);
	*out = t;
	t = NULL;
out:
	target_free(t);
	dotenv_release(&dot);
	return rc;
}

/* The text `environ` shows for one setting. */
static void
environ_value(const struct target *t, const struct setting *s,
	      struct buf *out)
{
	const void *field = (const char *)t + s->off;
	const char *str = NULL;

	if (s->type != ST_INT && s->type != ST_BOOL && s->type != ST_DURATION)
		str = *(char *const *)field;
	switch (s->type) {
	case ST_INT:
		buf_addf(out, "%d", *(const int *)field);
		break;
	case ST_BOOL:
		buf_adds(out, *(const bool *)field ? "1" : "0");
		break;
	case ST_DURATION:
		if (*(const double *)field > 0)
			buf_addf(out, "%gs", *(const double *)field);
		else
			buf_adds(out, "none");
		break;
	case ST_SECRET:
		buf_adds(out, "****");
		break;
	case ST_URL:
		dburl_redact(str ? str : "", out);
		break;
	default:
		buf_adds(out, str ? str : "");
		break;
	}
}

void
settings_environ(const struct target *t, struct buf *out)
{
	const struct setting *s;
	size_t i, len, width = 0;

	for (i = 0; i < NSETTINGS; i++) {
		s = &settings_table[i];
		len = strlen(cfg_key_name(s->key));
		if ((t->source[s->key] != SRC_UNSET || s->key == CFG_ENGINE) &&
		    len > width)
			width = len;
	}
	for (i = 0; i < NSETTINGS; i++) {
		s = &settings_table[i];
		if (t->source[s->key] == SRC_UNSET && s->key != CFG_ENGINE)
			continue;
		buf_addf(out, "%-*s : ", (int)width, cfg_key_name(s->key));
		environ_value(t, s, out);
		buf_addf(out, " (%s)\n", cfg_source_name(t->source[s->key]));
	}
}

/* Does kv ("NAME=value") hold a password or a URL, or is it in more? */
static bool
is_secret_var(const char *kv, const struct strv *more)
{
	const struct setting *s;
	size_t i, j, n = strcspn(kv, "=");

	for (s = settings_table; s < settings_table + NSETTINGS; s++) {
		if (s->type != ST_SECRET && s->type != ST_URL)
			continue;
		if (strlen(s->name) == n && strncmp(kv, s->name, n) == 0)
			return true;
		for (j = 0; j < 3 && s->aliases[j]; j++)
			if (strlen(s->aliases[j]) == n &&
			    strncmp(kv, s->aliases[j], n) == 0)
				return true;
	}
	for (i = 0; more && i < more->n; i++)
		if (strlen(more->v[i]) == n && strncmp(kv, more->v[i], n) == 0)
			return true;
	return false;
}

void
settings_scrub(char **envp, const struct strv *more)
{
	size_t i, j;
	char *value;

	for (i = j = 0; envp && envp[i]; i++) {
		if (strchr(envp[i], '=') == NULL ||
		    !is_secret_var(envp[i], more)) {
			envp[j++] = envp[i];
			continue;
		}
		value = strchr(envp[i], '=') + 1;
		memset(value, 0, strlen(value));
	}
	if (envp)
		envp[j] = NULL;
}

void
settings_environ_json(const char *lines, struct json *j)
{
	const char *p, *nl, *colon, *open;
	char *key, *value, *source;

	for (p = lines; *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		colon = strstr(p, " : ");
		if (colon == NULL || colon > nl || nl - p < 3 || nl[-1] != ')')
			continue;
		/* the source is the last parenthesis: values may hold some */
		for (open = nl - 1; open > colon && *open != '('; open--)
			;
		if (open <= colon + 3)
			continue;
		key = xstrndup(p, strcspn(p, " "));
		value = xstrndup(colon + 3, (size_t)(open - 1 - (colon + 3)));
		source = xstrndup(open + 1, (size_t)(nl - 1 - (open + 1)));
		json_object_begin(j, key);
		json_string(j, "value", value);
		json_string(j, "source", source);
		json_object_end(j);
		free(key);
		free(value);
		free(source);
	}
}

int
settings_env_bool(char *const *envp, const char *name, bool *out,
		  struct err *e)
{
	const char *raw = kv_find(envp, SIZE_MAX, name, false);
	struct setting_value v;

	*out = false;
	if (raw == NULL || raw[0] == '\0')
		return 0;
	if (!valid_bool(raw, &v))
		return err_set(e, ERR_CONFIG,
			       "%s (from environment): '%.200s' is not a "
			       "boolean (use 1/0/true/false/yes/no/on/off)",
			       name, raw);
	*out = v.num != 0;
	return 0;
}

const char *
settings_flag(size_t i)
{
	size_t k;

	for (k = 0; k < NSETTINGS; k++)
		if (settings_table[k].flag && i-- == 0)
			return settings_table[k].name;
	return NULL;
}

const char *
settings_flag_key(const char *flag)
{
	char name[32];
	size_t i, n;

	if (strncmp(flag, "--", 2) != 0)
		return NULL;
	flag += 2;
	n = strcspn(flag, "=");
	if (n == 0 || n >= sizeof(name))
		return NULL;
	for (i = 0; i < n; i++) {
		if (flag[i] == '-' || flag[i] == '_')
			name[i] = '_';
		else if (flag[i] >= 'a' && flag[i] <= 'z')
			name[i] = (char)(flag[i] - 'a' + 'A');
		else
			return NULL; /* flags are spelled in lower case */
	}
	name[n] = '\0';
	for (i = 0; i < NSETTINGS; i++)
		if (settings_table[i].flag &&
		    strcmp(settings_table[i].name, name) == 0)
			return settings_table[i].name;
	return NULL;
}
