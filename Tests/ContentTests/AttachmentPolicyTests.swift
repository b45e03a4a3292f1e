import Foundation
import TandemCore
import Testing
@testable import Content

enum Samples {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + Data("IHDR".utf8)
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) + Data("JFIF".utf8)
    static let gif = Data("GIF89a".utf8) + Data([1, 0, 1, 0])
    static let webp = Data("RIFF".utf8) + Data([36, 0, 0, 0]) + Data("WEBPVP8 ".utf8)
    static let pdf = Data("%PDF-1.7\n%âãÏÓ\n1 0 obj".utf8)
    static let text = Data("Shift plan for week 12\nBring safety shoes.\n".utf8)
    static let csv = Data("\u{FEFF}employee_id,name\nE1,Ana\n".utf8)
    static let docx = ZipFixture.office("word/document.xml")
    static let xlsx = ZipFixture.office("xl/workbook.xml")
    static let pptx = ZipFixture.office("ppt/presentation.xml")
}

@Suite struct AttachmentPolicyTests {
    let policy = AttachmentPolicy()

    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as AppError {
            #expect(error.code == "invalid_field")
            #expect(error.field == "file")
            return error.message
        } catch { return "unexpected \(error)" }
    }

    @Test("Each accepted type is recognised by its content", arguments: [
        (Samples.png, "photo.png", "image/png", AttachmentKind.png),
        (Samples.jpeg, "photo.JPG", "image/jpeg", .jpeg),
        (Samples.jpeg, "photo.jpeg", "image/jpg", .jpeg),
        (Samples.gif, "anim.gif", "image/gif", .gif),
        (Samples.webp, "pic.webp", "image/webp", .webp),
        (Samples.pdf, "Handbook 2026.pdf", "application/pdf", .pdf),
        (Samples.text, "notes.txt", "text/plain; charset=utf-8", .text),
        (Samples.csv, "roster.csv", "application/vnd.ms-excel", .csv),
        (Samples.docx, "letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", .docx),
        (Samples.xlsx, "budget.xlsx", "application/octet-stream", .xlsx),
        (Samples.pptx, "deck.pptx", nil, .pptx),
    ] as [(Data, String, String?, AttachmentKind)])
    func accepted(_ bytes: Data, _ name: String, _ declared: String?, _ kind: AttachmentKind) throws {
        let checked = try policy.check(bytes, fileName: name, declaredType: declared)
        #expect(checked.kind == kind)
        #expect(checked.fileName == name)
        #expect(checked.byteCount == bytes.count)
    }

    @Test("A name without an extension gets the sniffed one")
    func addsExtension() throws {
        #expect(try policy.check(Samples.png, fileName: "scan").fileName == "scan.png")
        #expect(try policy.check(Samples.text, fileName: "").fileName == "attachment.txt")
    }

    @Test("Extension and content must agree")
    func extensionMismatch() {
        let text = message { _ = try policy.check(Samples.png, fileName: "report.pdf") }
        #expect(text == "'report.pdf' is named as a .pdf file but its content is a PNG image. Rename it to .png, or export it again in the format you meant.")
        #expect(message { _ = try policy.check(Samples.docx, fileName: "sheet.xlsx") }?.contains("a Word document") == true)
        #expect(message { _ = try policy.check(Samples.text, fileName: "data.pdf") } != nil)
    }

    @Test("Declared type and content must agree")
    func declaredMismatch() {
        let text = message { _ = try policy.check(Samples.pdf, fileName: "a.pdf", declaredType: "image/png") }
        #expect(text?.hasPrefix("'a.pdf' was sent as image/png but its content is a PDF document.") == true)
    }

    @Test("Unknown, executable and disguised content is refused", arguments: [
        (Data([0x4D, 0x5A, 0x90, 0x00, 0x03]), "setup.exe"),
        (Data([0x4D, 0x5A, 0x90, 0x00, 0x03]), "invoice.pdf"),
        (Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]), "tool"),
        (Data("<svg onload=alert(1)/>".utf8), "logo.svg"),
        (Data("<html><script>x</script></html>".utf8), "page.html"),
        (Data([0xFF, 0xFE, 0x41, 0x00]), "utf16.txt"),
        (Data("a\u{0}b".utf8), "nul.txt"),
    ] as [(Data, String)])
    func refused(_ bytes: Data, _ name: String) {
        #expect(message { _ = try policy.check(bytes, fileName: name) } != nil)
    }

    @Test("Office lookalikes: plain ZIPs, macros, legacy formats, broken archives")
    func officeLookalikes() throws {
        #expect(message { _ = try policy.check(ZipFixture.archive(["a.txt"]), fileName: "files.docx") }?.contains("ZIP archive") == true)
        #expect(message { _ = try policy.check(ZipFixture.office("word/document.xml", extra: ["word/vbaProject.bin"]), fileName: "m.docx") }?.contains("macros") == true)
        #expect(message { _ = try policy.check(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), fileName: "old.doc") }?.contains("old-style Office") == true)
        #expect(message { _ = try policy.check(Samples.docx.prefix(60), fileName: "cut.docx") }?.contains("cannot be read") == true)
        #expect(message { _ = try policy.check(ZipFixture.office("visio/document.xml"), fileName: "d.docx") }?.contains("kind Tandem does not accept") == true)
        #expect(try policy.check(ZipFixture.archive(["[Content_Types].xml", "word/document.xml"], comment: "made by a tool"), fileName: "c.docx").kind == .docx)
    }

    @Test("Per-type size limits")
    func sizeLimits() throws {
        let policy = AttachmentPolicy(maxBytes: [.png: 1_000, .pdf: 5_000])
        let big = Samples.png + Data(count: 2_000)
        #expect(message { _ = try policy.check(big, fileName: "big.png") } == "'big.png' is 2 KB; a PNG image may be at most 1000 bytes. Compress or resize it and upload again.")
        #expect(try policy.check(Samples.pdf + Data(count: 2_000), fileName: "ok.pdf").kind == .pdf)
        #expect(message { _ = try policy.check(Samples.pdf + Data(count: 6_000), fileName: "huge.pdf") }?.contains("no attachment may exceed") == true)
        #expect(message { _ = try policy.check(Samples.gif, fileName: "a.gif") }?.contains("this server does not accept") == true)
        #expect(message { _ = try policy.check(Data(), fileName: "empty.png") }?.contains("is empty") == true)
        #expect(AttachmentPolicy().largestAllowed == 50 * AttachmentPolicy.megabyte)
    }
}

@Suite struct SafeFileNameTests {
    @Test("Names are reduced to a safe last component", arguments: [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\ana\\Desktop\\plan.pdf", "plan.pdf"),
        ("/var/www/../x.png", "x.png"),
        ("..", ""),
        ("...hidden.txt", "hidden.txt"),
        ("  report .pdf  ", "report .pdf"),
        ("line\nbreak\u{0}nul\u{7}.txt", "linebreaknul.txt"),
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        ("a<b>c:d\"e|f?g*.csv", "a_b_c_d_e_f_g_.csv"),
        ("CON.txt", "_CON.txt"),
        ("com1.pdf", "_com1.pdf"),
        ("Cafe\u{301}.txt", "Café.txt"),
    ])
    func cleaned(_ raw: String, _ expected: String) {
        #expect(SafeFileName.clean(raw) == expected)
    }

    @Test("Long names keep their extension within 120 characters")
    func long() {
        let name = SafeFileName.clean(String(repeating: "ä", count: 300) + ".docx")
        #expect(name.count == 120)
        #expect(name.hasSuffix("ä.docx"))
        #expect(SafeFileName.clean(String(repeating: "x", count: 200)).count == 120)
    }

    @Test("A path-traversal upload is stored under its bare name")
    func traversalUpload() throws {
        let checked = try AttachmentPolicy().check(Samples.pdf, fileName: "../../../../etc/cron.d/evil.pdf")
        #expect(checked.fileName == "evil.pdf")
    }
}
