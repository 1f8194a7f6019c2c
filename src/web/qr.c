#include "web/qr.h"
#include "web/html.h"

#include <qrencode.h>

int html_qr_svg(struct buf *b, const char *text, const char *title)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL)
		return -1;
	int w = q->width, quiet = 4, size = w + 2 * quiet;
	html_rawf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\"><title>", size, size);
	html_txt(b, title);
	html_rawf(b, "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				html_rawf(b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	html_raw(b, "\"/></svg>");
	QRcode_free(q);
	return 0;
}
