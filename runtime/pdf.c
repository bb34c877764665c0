/* pdf.c - a PDF's text through poppler, in process: page by page in reading order, pages joined by form feeds.
 *
 * The text is what `pdftotext` would give, with one difference that keeps
 * it the same to rules as a text file: a page's trailing line ends are
 * dropped and a single form feed stands between two pages, so normalisation
 * (which makes \f a line end) leaves exactly one line break there.  The
 * form feeds stay in doc:original(), and doc.pages and doc:page_at find
 * the pages by them (docs/DECISIONS.md). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rr_features.h"
#include "rr_internal.h"

#if RR_HAVE_POPPLER
#include <poppler.h>
#endif

const char *rr_features(void) {
  return RR_HAVE_POPPLER && RR_HAVE_XLSX ? "pdf xlsx" : RR_HAVE_POPPLER ? "pdf" : RR_HAVE_XLSX ? "xlsx" : "";
}

int rr_pdf_is(const char *s, size_t n) {
  /* the header may follow some junk, within the first 1024 bytes (PDF 1.7, 7.5.2) */
  return memmem(s, n < 1024 ? n : 1024, "%PDF-", 5) != NULL;
}

#if RR_HAVE_POPPLER

/* poppler makes its global parameters on the first document it opens, and
 * that is not safe to race: documents are opened one at a time. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_blank(const char *s) {
  for (; *s; s++)
    if (!strchr(" \t\r\n\f\v", *s)) return 0;
  return 1;
}

int rr_pdf_text(const char *in, size_t n, char **text, size_t *len, size_t *npages, char *why, size_t whylen) {
  *text = NULL;
  *len = *npages = 0;
  GBytes *bytes = g_bytes_new_static(in, n);
  GError *err = NULL;
  pthread_mutex_lock(&open_lock);
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
  pthread_mutex_unlock(&open_lock);
  if (!doc) {
    if (err && err->code == POPPLER_ERROR_ENCRYPTED)
      snprintf(why, whylen, "an encrypted PDF (it needs a password to open)");
    else
      snprintf(why, whylen, "a damaged PDF (poppler: %s)", err && err->message ? err->message : "cannot open it");
    if (err) g_error_free(err);
    g_bytes_unref(bytes);
    return -1;
  }
  int pages = poppler_document_get_n_pages(doc), status = 0, any_text = 0;
  rr_buf out = {0};
  for (int i = 0; i < pages && status == 0; i++) {
    PopplerPage *page = poppler_document_get_page(doc, i);
    char *t = page ? poppler_page_get_text(page) : NULL;
    size_t k = t ? strlen(t) : 0;
    while (k > 0 && (t[k - 1] == '\n' || t[k - 1] == '\r' || t[k - 1] == ' ' || t[k - 1] == '\f')) k--;
    if (t && !is_blank(t)) any_text = 1;
    if ((i > 0 && rr_buf_add(&out, "\f", 1)) || (k && rr_buf_add(&out, t, k))) status = -1;
    g_free(t);
    if (page) g_object_unref(page);
  }
  g_object_unref(doc);
  g_bytes_unref(bytes);
  if (status == 0 && (rr_buf_add(&out, "\n", 1) || rr_buf_add(&out, "", 1))) status = -1;
  if (status != 0) {
    snprintf(why, whylen, "out of memory reading the PDF");
    rr_buf_free(&out);
    return -1;
  }
  if (!any_text) {
    snprintf(why, whylen, pages ? "a PDF with no text on its %d page%s (scanned images? it needs OCR first, "
                                  "e.g. ocrmypdf)" : "a PDF without pages",
             pages, pages == 1 ? "" : "s");
    rr_buf_free(&out);
    return -1;
  }
  *text = out.s;
  *len = out.len - 1;        /* without the NUL */
  *npages = (size_t)pages;
  return 0;
}

#else

int rr_pdf_text(const char *in, size_t n, char **text, size_t *len, size_t *npages, char *why, size_t whylen) {
  (void)in;
  (void)n;
  *text = NULL;
  *len = *npages = 0;
  snprintf(why, whylen, "a PDF, and this rulerun was built without PDF support (install libpoppler-glib-dev, "
           "then meson setup -Dpdf=enabled)");
  return -1;
}

#endif
