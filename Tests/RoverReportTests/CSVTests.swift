import Testing
@testable import RoverReport

@Suite struct CSVTests {
    @Test func quotesOnlyWhenNeeded() {
        #expect(CSV.row(["a", "b c", "1.5"]) == "a,b c,1.5\n")
        #expect(CSV.row(["x,y", "say \"hi\"", "two\nlines", ""]) == "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\n")
    }

    @Test func parsesQuotedFieldsAndLineEndings() {
        let parsed = CSV.parse("a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",,z\n")
        #expect(parsed.rows == [["a", "b,c", "d\"e"], ["multi\nline", "", "z"]])
        #expect(parsed.unterminatedTail == nil)
    }

    @Test func reportsUnterminatedTail() {
        let parsed = CSV.parse("h1,h2\n1,2\n3,\"open")
        #expect(parsed.rows == [["h1", "h2"], ["1", "2"]])
        #expect(parsed.unterminatedTail == "3,\"open")
    }

    @Test(arguments: [["plain"], ["", ""], ["a\"", "\"b"], [",", "\n", "\r\n"], ["ünï,côdé"]])
    func roundTrips(fields: [String]) {
        #expect(CSV.parse(CSV.row(fields)).rows == [fields])
    }
}
