using FuncNet.Backends.Cuda.Native;

namespace FuncNet.Backends.Tests.Cuda;

/// <summary>The resolver's search order and its message when nothing loads.</summary>
public class CudaLibraryResolverTests
{
    public static TheoryData<string> Specs => new("driver", "nvrtc", "cublas");

    private static CudaLibrarySpec Spec(string name) => name switch
    {
        "driver" => CudaLibrarySpec.Driver,
        "nvrtc" => CudaLibrarySpec.Nvrtc,
        _ => CudaLibrarySpec.Cublas,
    };

    [Theory, MemberData(nameof(Specs))]
    public void AnEmptyOverrideFolderListsEveryNameTried(string name)
    {
        var spec = Spec(name);
        var dir = Directory.CreateTempSubdirectory("funcnet-empty").FullName;
        try
        {
            var e = Assert.Throws<BackendUnavailableException>(() => CudaLibraryResolver.Load(spec, dir, ["/should/not/be/searched"]));
            foreach (var file in spec.FileNames) { Assert.Contains(Path.Combine(dir, file), e.Message); }
            Assert.Contains(CudaLibraryResolver.OverrideVariable, e.Message);
            Assert.DoesNotContain("/should/not/be/searched", e.Message);
            Assert.Contains(spec.Description, e.Message);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void VersionedNamesComeFirstAndDebiansNvrtcSonameIsTried()
    {
        Assert.Equal(["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"], CudaLibrarySpec.Cublas.FileNames);
        Assert.Contains("libnvrtc.so.11.2", CudaLibrarySpec.Nvrtc.FileNames);
        Assert.Equal("libcuda.so.1", CudaLibrarySpec.Driver.FileNames[0]);
    }

    [Fact]
    public void SearchFoldersComeBeforeTheLoadersDefault()
    {
        var candidates = CudaLibraryResolver.Candidates(CudaLibrarySpec.Nvrtc, null, ["/opt/cuda/lib64", "/x"]);
        Assert.Equal("/opt/cuda/lib64/libnvrtc.so.13", candidates[0]);
        Assert.True(Array.IndexOf(candidates.ToArray(), "/x/libnvrtc.so") < Array.IndexOf(candidates.ToArray(), "libnvrtc.so.13"));
        Assert.Contains("/usr/local/cuda/lib64/libnvrtc.so.12", candidates);
    }

    [SkippableFact]
    public void NvrtcLoadsFromTheSystemHere()
    {
        var nvrtc = CudaEnvironment.RequireNvrtc();
        Assert.True(nvrtc.Version >= new Version(11, 2), nvrtc.Version.ToString());
    }
}
