/* qr.h — QR codes (libqrencode) drawn as inline SVG, for TOTP enrolment. */
#ifndef NADIYA_QR_H
#define NADIYA_QR_H

#include "base/buf.h"

/* Writes an <svg> with the QR code of text and a title; 0, or -1 when it cannot encode. */
int html_qr_svg(struct buf *b, const char *text, const char *title);

#endif
