using UserSystem.Cli.Files;

namespace UserSystem.UnitTests.Cli;

public sealed class CsvRecordReaderTests
{
    private static async Task<List<(int Line, IReadOnlyList<string> Fields)>> ReadAsync(string text)
    {
        var records = new List<(int, IReadOnlyList<string>)>();
        await foreach (var record in CsvRecordReader.ReadAsync(new StringReader(text)))
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public async Task PlainFields_SplitOnCommas()
    {
        var record = Assert.Single(await ReadAsync("Ada,ada@example.com,36").DefaultTimeout());

        Assert.Equal(["Ada", "ada@example.com", "36"], record.Fields);
    }

    [Fact]
    public async Task QuotedField_KeepsCommasAndDoubledQuotes()
    {
        var record = Assert.Single(await ReadAsync("\"Lovelace, Ada\",\"says \"\"hi\"\"\",36").DefaultTimeout());

        Assert.Equal(["Lovelace, Ada", "says \"hi\"", "36"], record.Fields);
    }

    [Fact]
    public async Task LineBreakInsideQuotes_IsPartOfTheField_AndLinesCountFromTheRecordStart()
    {
        var records = await ReadAsync("a,b\n\"two\nlines\",c\nd,e").DefaultTimeout();

        Assert.Equal([1, 2, 4], records.Select(record => record.Line));
        Assert.Equal("two\nlines", records[1].Fields[0]);
    }

    [Fact]
    public async Task BlankLines_AreSkipped_EmptyFieldsKept()
    {
        var records = await ReadAsync("\na,,c\n\n").DefaultTimeout();

        var record = Assert.Single(records);
        Assert.Equal(2, record.Line);
        Assert.Equal(["a", "", "c"], record.Fields);
    }

    [Fact]
    public async Task UnclosedQuote_FailsNamingTheLine()
    {
        var exception = await Assert.ThrowsAsync<FormatException>(() => ReadAsync("a,b\n\"open,c\nmore").DefaultTimeout());

        Assert.Contains("line 2", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Escape_QuotesOnlyWhenNeeded(string value, string escaped) => Assert.Equal(escaped, CsvRecordReader.Escape(value));

    [Fact]
    public async Task EscapedFields_ReadBackUnchanged()
    {
        string[] fields = ["Lovelace, Ada", "say \"hi\"", " padded ", "two\nlines", ""];

        var record = Assert.Single(await ReadAsync(string.Join(',', fields.Select(CsvRecordReader.Escape))).DefaultTimeout());

        Assert.Equal(fields, record.Fields);
    }
}
